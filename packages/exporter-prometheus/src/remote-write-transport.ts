import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { ExportMetricsServiceRequest } from '@otel-dp/otlp';
import type { Logger } from '@otel-dp/pipeline';
import { httpPostTarget, parseRetryAfterMillis, postAttempt, type AttemptContext, type AttemptResult, type ExportTransport, type HttpPostTarget } from '@otel-dp/exporter-helper';
import type { ResolvedRemoteWriteConfig } from './config.js';
import { snappyCompress } from './snappy.js';
import { toWriteRequest } from './translate.js';
import { DROP_REASONS, type DropReason } from './translate-metric.js';
import { encodeWriteRequest } from './write-request.js';

// Read once at load: the compiled module sits in dist/src/, two levels below package.json.
const packageJson = createRequire(import.meta.url)('../../package.json') as { version: string };
const USER_AGENT = `otel-dp/${packageJson.version}`;
/** The protocol version header remote write 1.0 requires. */
const REMOTE_WRITE_VERSION = '0.1.0';
/** Statuses on which a server signals throttling and may send Retry-After. */
const THROTTLING_STATUSES = new Set([429, 503]);
/** Characters of an error body quoted in a failure reason. */
const MAX_ERROR_BODY_CHARS = 200;

/** What the translation left out or merged, summed over every batch so far. */
export interface RemoteWriteTranslationStats {
  /** OTLP data points not sent, by reason (see DROP_REASONS). */
  droppedMetricPoints: Record<DropReason, number>;
  /** Samples that repeated a series and timestamp in one request (the last was kept). */
  duplicateSamples: number;
  /** Time series written into requests. */
  translatedTimeSeries: number;
}

/**
 * Prometheus remote write 1.0 over HTTP: the OTLP request is translated,
 * protobuf-encoded and snappy-compressed once per batch; each attempt POSTs
 * it. 2xx is accepted; 429 and 5xx are retried (Retry-After honoured on 429
 * and 503), as the remote-write specification says; every other status is
 * permanent.
 */
export class RemoteWriteTransport implements ExportTransport {
  private readonly target: HttpPostTarget;
  private readonly counters: RemoteWriteTranslationStats = {
    droppedMetricPoints: Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])) as Record<DropReason, number>,
    duplicateSamples: 0,
    translatedTimeSeries: 0,
  };

  constructor(
    url: URL,
    private readonly config: ResolvedRemoteWriteConfig,
    private readonly logger: Logger,
  ) {
    // Configured headers first, so the exporter's own protocol headers win.
    this.target = httpPostTarget(url, {
      ...config.headers,
      'user-agent': USER_AGENT,
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': REMOTE_WRITE_VERSION,
    });
  }

  async prepare(request: ExportMetricsServiceRequest): Promise<Buffer> {
    const translation = toWriteRequest(request, this.config);
    for (const [reason, points] of translation.droppedPoints) this.counters.droppedMetricPoints[reason] += points;
    if (translation.droppedPoints.size > 0) {
      this.logger.warn('data points Prometheus cannot store were dropped', { droppedMetricPoints: Object.fromEntries(translation.droppedPoints) });
    }
    this.counters.duplicateSamples += translation.duplicateSamples;
    this.counters.translatedTimeSeries += translation.request.timeseries.length;
    const compressed = snappyCompress(encodeWriteRequest(translation.request));
    return Buffer.from(compressed.buffer, compressed.byteOffset, compressed.byteLength);
  }

  send(body: Buffer, context: AttemptContext): Promise<AttemptResult> {
    return postAttempt(this.target, body, context, async (response) => classify(response, await readErrorText(response)));
  }

  close(): void {
    this.target.agent.destroy();
  }

  /** A copy of the translation counters. */
  stats(): RemoteWriteTranslationStats {
    return { ...this.counters, droppedMetricPoints: { ...this.counters.droppedMetricPoints } };
  }
}

function classify(response: IncomingMessage, text: string): AttemptResult {
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) return { kind: 'accepted' };
  const reason = text === '' ? `HTTP ${status}` : `HTTP ${status}: ${text}`;
  if (status !== 429 && status < 500) return { kind: 'failed', retryable: false, reason };
  const retryAfter = response.headers['retry-after'];
  const serverDelayMillis = THROTTLING_STATUSES.has(status) ? parseRetryAfterMillis(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, Date.now()) : undefined;
  return serverDelayMillis === undefined ? { kind: 'failed', retryable: true, reason } : { kind: 'failed', retryable: true, reason, serverDelayMillis };
}

/** The start of the body, whitespace collapsed, for failure reasons (Prometheus answers errors in plain text). */
async function readErrorText(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (size < MAX_ERROR_BODY_CHARS * 4) chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim().slice(0, MAX_ERROR_BODY_CHARS);
}
