import { status as GrpcCode } from '@grpc/grpc-js';
import type { SignalName } from './signal-name.js';

/**
 * How a request ended, as the collector's `otelcol_receiver_requests`
 * `outcome` attribute: `success` (answered 200 / OK, partial success
 * included), `refused` (the request or the load said no: every 4xx, 429,
 * 503, INVALID_ARGUMENT, RESOURCE_EXHAUSTED, UNAVAILABLE, and clients that
 * went away before their request ended), `failure` (our fault or a permanent
 * pipeline failure: 500 / INTERNAL).
 */
export type RequestOutcome = 'success' | 'refused' | 'failure';

/**
 * Exact counters of one transport since the receiver was created. They sum
 * over every token, so they are raw data: serve them on the local admin
 * endpoint only, never next to the privatized metrics.
 */
export interface TransportStats {
  /** Requests of both signals by how they ended (`otelcol_receiver_requests{outcome}`). */
  readonly requests: Readonly<Record<RequestOutcome, number>>;
  /**
   * Data points the consumer took (`otelcol_receiver_accepted_metric_points`):
   * those of successful requests, less the ones a partial success rejected.
   */
  readonly acceptedDataPoints: number;
  /**
   * Data points refused (`otelcol_receiver_refused_metric_points`): those of
   * decoded requests refused by a limit or by the consumer, and those a
   * partial success rejected. Points of a body that could not be decoded are
   * unknown and not counted.
   */
  readonly refusedDataPoints: number;
  /** Data points of decoded requests that ended in `failure` (`otelcol_receiver_failed_metric_points`). */
  readonly failedDataPoints: number;
  /** Spans the consumer took (`otelcol_receiver_accepted_spans`), counted as data points are. */
  readonly acceptedSpans: number;
  /** Spans refused (`otelcol_receiver_refused_spans`), counted as data points are. */
  readonly refusedSpans: number;
  /** Spans of decoded trace requests that ended in `failure` (`otelcol_receiver_failed_spans`). */
  readonly failedSpans: number;
  /**
   * Request body bytes received as sent, before inflating, counted as they
   * arrive, so refused bodies count as far as they were read. OTLP/HTTP: the
   * body (as `http.server.request.body.size`). OTLP/gRPC: the DATA of the
   * call, message prefix included.
   */
  readonly bytesReceived: number;
}

/** The receiver's counters, one set per transport (`transport` = http or grpc). */
export interface ReceiverStats {
  readonly http: TransportStats;
  readonly grpc: TransportStats;
}

/** The writable side of {@link TransportStats}: plain numbers, updated in place. */
export class TransportCounters implements TransportStats {
  readonly requests: Record<RequestOutcome, number> = { success: 0, refused: 0, failure: 0 };
  acceptedDataPoints = 0;
  refusedDataPoints = 0;
  failedDataPoints = 0;
  acceptedSpans = 0;
  refusedSpans = 0;
  failedSpans = 0;
  bytesReceived = 0;

  /**
   * Counts one answered request. `items` is the number of data points (or
   * spans, for `traces`) decoded, 0 when the body was not decoded;
   * `rejected` the number a partial success rejected.
   */
  answered(outcome: RequestOutcome, items: number, rejected = 0, signal: SignalName = 'metrics'): void {
    this.requests[outcome] += 1;
    // A consumer claiming more rejections than items does not make the counts go back.
    const refused = outcome === 'success' ? Math.min(rejected, items) : outcome === 'refused' ? items : 0;
    const accepted = outcome === 'success' ? items - refused : 0;
    const failed = outcome === 'failure' ? items : 0;
    if (signal === 'traces') {
      this.acceptedSpans += accepted;
      this.refusedSpans += refused;
      this.failedSpans += failed;
    } else {
      this.acceptedDataPoints += accepted;
      this.refusedDataPoints += refused;
      this.failedDataPoints += failed;
    }
  }
}

/** The outcome of an OTLP/HTTP answer with this status. */
export function httpOutcome(status: number): RequestOutcome {
  if (status < 400) return 'success';
  return status >= 500 && status !== 503 ? 'failure' : 'refused';
}

/** The outcome of an OTLP/gRPC call that ended with this code. */
export function grpcOutcome(code: GrpcCode): RequestOutcome {
  if (code === GrpcCode.OK) return 'success';
  return code === GrpcCode.INTERNAL || code === GrpcCode.UNKNOWN ? 'failure' : 'refused';
}
