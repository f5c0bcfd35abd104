import { Metadata, Server, ServerCredentials, ServerInterceptingCall, ServerListenerBuilder } from '@grpc/grpc-js';
import type { ServerInterceptor, ServerUnaryCall, ServiceDefinition, StatusObject, sendUnaryData } from '@grpc/grpc-js';
import {
  METRICS_EXPORT_GRPC_PATH,
  countDataPoints,
  decodeMetricsRequest,
  decodeMetricsResponse,
  encodeMetricsResponse,
  encodeRpcStatus,
} from '@otel-dp/otlp';
import type { ExportMetricsServiceResponse } from '@otel-dp/otlp';
import type { ListenAddress } from './config.js';
import { formatListenAddress } from './config.js';
import { exportMetrics } from './export-metrics.js';
import { widenFlowControlWindows } from './grpc-flow-control.js';
import type { ExchangeContext, ExportResult } from './export-metrics.js';
import { listenFailure } from './listen-error.js';
import { grpcOutcome } from './receiver-stats.js';
import type { TransportCounters } from './receiver-stats.js';
import { retryInfoDetail } from './retry-info.js';
import { isKnownError, toGrpcStatus } from './status-mapping.js';
import type { TlsMaterial } from './tls-files.js';
import { describeUnexpected, errorCode } from './unexpected-error.js';

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * opentelemetry.proto.collector.metrics.v1.MetricsService, built by hand on
 * the OTLP codec. Requests stay raw bytes through grpc-js: a failed
 * deserialize would reach the client as INTERNAL, while decoding in the
 * handler answers INVALID_ARGUMENT with the decoder's own words.
 */
const METRICS_SERVICE: ServiceDefinition = {
  Export: {
    path: METRICS_EXPORT_GRPC_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: (bytes: Buffer) => bytes,
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (response: ExportMetricsServiceResponse) => asBuffer(encodeMetricsResponse(response)),
    responseDeserialize: (bytes: Buffer) => decodeMetricsResponse(bytes),
  },
};

/**
 * Counts as refused the calls that end before a message reaches the handler:
 * those grpc-js answers itself (a message over `grpc.max_receive_message_length`,
 * broken compression) and those the client cancels first. grpc-js reports
 * the end of every call to `onCancel`, after the status is sent; calls whose
 * message arrived are counted by the handler instead.
 */
function countCallsRefusedBeforeHandler(counters: TransportCounters): ServerInterceptor {
  return (_method, call) => {
    let delivered = false;
    return new ServerInterceptingCall(call, {
      start: (next) => {
        next(
          new ServerListenerBuilder()
            .withOnReceiveMessage((message, nextMessage) => {
              delivered = true;
              nextMessage(message);
            })
            .withOnCancel(() => {
              if (!delivered) counters.answered('refused', 0);
            })
            .build(),
        );
      },
    });
  };
}

/** The OTLP/gRPC server: binding, the Export handler, and a bounded shutdown. */
export class GrpcListener {
  readonly #context: ExchangeContext;
  readonly #server: Server;
  #inFlight = 0;

  constructor(context: ExchangeContext) {
    this.#context = context;
    this.#server = new Server({
      // grpc-js checks this while inflating, so no message grows past it.
      'grpc.max_receive_message_length': context.limits.maxRequestBytes,
      interceptors: [countCallsRefusedBeforeHandler(context.counters)],
    });
    this.#server.addService(METRICS_SERVICE, {
      Export: (call: ServerUnaryCall<Buffer, ExportMetricsServiceResponse>, callback: sendUnaryData<ExportMetricsServiceResponse>) => {
        this.#inFlight += 1;
        this.#export(call.request)
          .then((outcome) => {
            this.#inFlight -= 1;
            if ('response' in outcome) callback(null, outcome.response);
            else callback(outcome.status);
          })
          // Last resort: an unhandled rejection would end the process.
          .catch((error: unknown) => context.logger.error('OTLP/gRPC call could not be answered', describeUnexpected(error)));
      },
    });
  }

  /**
   * Binds, with TLS when `tls` is given (mutual TLS when it holds a client
   * CA); resolves with the address actually bound (port 0 resolved).
   */
  listen(address: ListenAddress, tls?: TlsMaterial): Promise<ListenAddress> {
    const target = formatListenAddress(address);
    const credentials =
      tls === undefined
        ? ServerCredentials.createInsecure()
        : ServerCredentials.createSsl(tls.clientCa ?? null, [{ cert_chain: tls.cert, private_key: tls.key }], tls.clientCa !== undefined);
    return new Promise<ListenAddress>((resolve, reject) => {
      this.#server.bindAsync(target, credentials, (error, port) => {
        if (error !== null) return reject(listenFailure('OTLP/gRPC', target, error));
        if (!widenFlowControlWindows(this.#server)) {
          this.#context.logger.warn('OTLP/gRPC flow-control windows left at 64 KiB: this @grpc/grpc-js keeps its HTTP/2 servers elsewhere');
        }
        resolve({ host: address.host, port });
      });
    });
  }

  /**
   * Stops accepting calls and lets calls in flight finish; after `timeoutMs`
   * the remaining ones are cancelled. Returns the number of calls cut.
   */
  async close(timeoutMs: number): Promise<number> {
    const closed = new Promise<void>((resolve) => this.#server.tryShutdown(() => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([closed, deadline]);
    clearTimeout(timer);
    if (outcome !== 'timeout') return 0;
    const cut = this.#inFlight;
    this.#server.forceShutdown();
    await closed;
    return cut;
  }

  // Never rejects: every failure becomes this call's status.
  async #export(body: Buffer): Promise<ExportResult | { status: Partial<StatusObject> }> {
    const { counters } = this.#context;
    counters.bytesReceived += body.length;
    let points = 0;
    try {
      const request = decodeMetricsRequest(body);
      points = countDataPoints(request);
      const result = await exportMetrics(request, points, this.#context);
      counters.answered('success', points, result.rejectedDataPoints);
      return result;
    } catch (error) {
      const failure = toGrpcStatus(error);
      counters.answered(grpcOutcome(failure.code), points);
      if (!isKnownError(error)) this.#context.logger.error('OTLP/gRPC call failed', describeUnexpected(error));
      else this.#context.logger.debug('OTLP/gRPC call refused', { status: failure.code, code: errorCode(error) });
      const metadata = new Metadata();
      if (failure.retryDelaySeconds !== undefined) {
        // Where gRPC clients read RetryInfo: a google.rpc.Status in the trailers.
        const status = { code: failure.code, message: failure.message, details: [retryInfoDetail(failure.retryDelaySeconds)] };
        metadata.set('grpc-status-details-bin', asBuffer(encodeRpcStatus(status)));
      }
      return { status: { code: failure.code, details: failure.message, metadata } };
    }
  }
}
