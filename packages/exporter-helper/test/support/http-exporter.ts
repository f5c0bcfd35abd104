import { encodeMetricsRequest, type ExportMetricsServiceRequest } from '@otel-dp/otlp';
import { type Logger } from '@otel-dp/pipeline';
import {
  httpPostTarget,
  parseRetryAfterMillis,
  postAttempt,
  RetryingExporter,
  type AttemptContext,
  type AttemptResult,
  type ExportTransport,
  type HttpPostTarget,
  type RetryConfig,
} from '../../src/index.js';

/** The statuses OTLP/HTTP clients retry. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/**
 * Protobuf bodies POSTed over real HTTP: 2xx is accepted, 429, 502, 503 and
 * 504 are retried (after Retry-After when given), any other status is
 * refused. As much of OTLP/HTTP as the queue's tests need of a backend,
 * without the OTLP exporter, which is built on this package.
 */
class ProtobufPostTransport implements ExportTransport {
  private readonly target: HttpPostTarget;

  constructor(endpoint: string) {
    this.target = httpPostTarget(new URL(endpoint), { 'content-type': 'application/x-protobuf' });
  }

  async prepare(request: ExportMetricsServiceRequest): Promise<Buffer> {
    const bytes = encodeMetricsRequest(request);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  send(body: Buffer, context: AttemptContext): Promise<AttemptResult> {
    return postAttempt(this.target, body, context, async (response) => {
      for await (const _chunk of response) {
        // The body says nothing these tests look at.
      }
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) return { kind: 'accepted' };
      const reason = `HTTP ${status}`;
      if (!RETRYABLE_STATUSES.has(status)) return { kind: 'failed', retryable: false, reason };
      const retryAfter = response.headers['retry-after'];
      const serverDelayMillis = parseRetryAfterMillis(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, Date.now());
      return serverDelayMillis === undefined ? { kind: 'failed', retryable: true, reason } : { kind: 'failed', retryable: true, reason, serverDelayMillis };
    });
  }

  close(): void {
    this.target.agent.destroy();
  }
}

/** A retrying exporter to an OTLP/HTTP endpoint, 2 s per attempt; shutdown aborts attempts at once unless told otherwise. */
export function httpExporter(endpoint: string, retry: RetryConfig, options: { shutdownTimeoutMillis?: number; logger?: Logger } = {}): RetryingExporter {
  return new RetryingExporter(new ProtobufPostTransport(endpoint), {
    label: 'test HTTP exporter',
    describe: { endpoint },
    retry,
    timeoutMillis: 2000,
    shutdownTimeoutMillis: options.shutdownTimeoutMillis ?? 0,
    logger: options.logger,
  });
}
