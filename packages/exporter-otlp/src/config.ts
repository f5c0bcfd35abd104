import { ExporterError } from './errors.js';
import { HEADER_NAME } from './headers.js';

/** Wire protocol of the OTLP exporter (the values of OTEL_EXPORTER_OTLP_PROTOCOL). */
export type OtlpProtocol = 'grpc' | 'http/protobuf' | 'http/json';

/** The protocols, in the order they are documented. */
export const OTLP_PROTOCOLS: readonly OtlpProtocol[] = ['grpc', 'http/protobuf', 'http/json'];

/**
 * Exponential backoff between attempts of one export. Attempt n waits
 * `interval_n · (1 ± randomizationFactor · u)`, u uniform in [0, 1), with
 * `interval_1 = initialIntervalMillis` and `interval_{n+1} = min(interval_n · multiplier, maxIntervalMillis)`.
 */
export interface RetryConfig {
  /** false: one attempt only; a retryable failure rejects with EXPORT_RETRIES_EXHAUSTED. Default true. */
  enabled: boolean;
  /** First wait, in milliseconds. Default 5000. Must be positive. */
  initialIntervalMillis: number;
  /** Cap on the wait before jitter, in milliseconds. Default 30000. At least initialIntervalMillis. */
  maxIntervalMillis: number;
  /**
   * Give up once the next wait would end later than this many milliseconds after
   * the first attempt started. Default 300000. 0 retries until shutdown.
   */
  maxElapsedMillis: number;
  /** Growth factor of the wait. Default 1.5. At least 1. */
  multiplier: number;
  /** Jitter as a fraction of the wait, in [0, 1]. Default 0.5. 0 means no jitter. */
  randomizationFactor: number;
}

/** The OpenTelemetry Collector's exporterhelper `retry_on_failure` defaults. */
export const DEFAULT_RETRY: RetryConfig = Object.freeze({
  enabled: true,
  initialIntervalMillis: 5_000,
  maxIntervalMillis: 30_000,
  maxElapsedMillis: 300_000,
  multiplier: 1.5,
  randomizationFactor: 0.5,
});

/** Per-attempt timeout of the collector's exporterhelper, in milliseconds. */
export const DEFAULT_TIMEOUT_MILLIS = 5_000;

/** How long `shutdown()` lets in-flight attempts finish before aborting them, in milliseconds. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MILLIS = 5_000;

/**
 * Longest wait a server may ask for with Retry-After or RetryInfo, in
 * milliseconds (5 minutes). Longer requests are shortened to this, so a
 * misconfigured backend cannot park an export for hours when
 * maxElapsedMillis is 0.
 */
export const MAX_SERVER_REQUESTED_DELAY_MILLIS = 300_000;

export interface OtlpExporterConfig {
  /**
   * Full URL. For http/* the exact POST URL (e.g. http://127.0.0.1:4318/v1/metrics);
   * for grpc `http://host:port` (plaintext) or `https://host:port` (TLS).
   */
  endpoint: string;
  protocol: OtlpProtocol;
  /** Extra request headers (gRPC: metadata). Values are never logged. */
  headers: Record<string, string>;
  /** Body compression. The collector's exporters default to gzip. */
  compression: 'gzip' | 'none';
  /** Limit per attempt, in milliseconds. 0 means no limit (shutdown still aborts). */
  timeoutMillis: number;
  retry: RetryConfig;
}

/** Header names the exporter sets itself; a configured value would corrupt the request. */
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'content-encoding', 'transfer-encoding', 'host', 'connection', 'te']);

/**
 * Checks a configuration and returns the parsed endpoint. Throws an
 * {@link ExporterError} with code EXPORT_CONFIG_INVALID naming the field.
 * Header values never appear in a message.
 */
export function validateOtlpExporterConfig(config: OtlpExporterConfig): URL {
  if (!OTLP_PROTOCOLS.includes(config.protocol)) {
    invalid(`protocol is ${JSON.stringify(config.protocol)}, must be one of ${OTLP_PROTOCOLS.join(', ')}`);
  }
  const url = parseEndpoint(config.endpoint);
  if (config.protocol === 'grpc' && url.pathname !== '/' && url.pathname !== '') {
    invalid(`endpoint path ${url.pathname} is not allowed for grpc, give http://host:port or https://host:port`);
  }
  if (config.compression !== 'gzip' && config.compression !== 'none') {
    invalid(`compression is ${JSON.stringify(config.compression)}, must be gzip or none`);
  }
  nonNegative('timeoutMillis', config.timeoutMillis);
  validateHeaders(config.headers, config.protocol);
  validateRetryConfig(config.retry);
  return url;
}

function parseEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return invalid('endpoint is not a valid URL, expected e.g. http://127.0.0.1:4318/v1/metrics');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    invalid(`endpoint scheme is ${url.protocol}, must be http: or https:`);
  }
  return url;
}

function validateHeaders(headers: Record<string, string>, protocol: OtlpProtocol): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) invalid('a header name is not a valid HTTP header name (letters, digits, !#$%&\'*+-.^_`|~)');
    if (RESERVED_HEADERS.has(name.toLowerCase())) invalid(`header ${name} is set by the exporter and cannot be configured`);
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) invalid(`header ${name} has a value with a line break or NUL`);
    if (protocol === 'grpc' && name.toLowerCase().endsWith('-bin')) {
      invalid(`header ${name}: binary (-bin) gRPC metadata is not supported`);
    }
  }
}

/**
 * Checks a retry configuration; throws an {@link ExporterError} with code
 * EXPORT_CONFIG_INVALID naming the field (`retry.initialIntervalMillis is 0,
 * must be positive`). Shared by every exporter that retries.
 */
export function validateRetryConfig(retry: RetryConfig): void {
  positive('retry.initialIntervalMillis', retry.initialIntervalMillis);
  positive('retry.maxIntervalMillis', retry.maxIntervalMillis);
  if (retry.maxIntervalMillis < retry.initialIntervalMillis) {
    invalid(`retry.maxIntervalMillis is ${retry.maxIntervalMillis}, must be at least retry.initialIntervalMillis (${retry.initialIntervalMillis})`);
  }
  nonNegative('retry.maxElapsedMillis', retry.maxElapsedMillis);
  if (!Number.isFinite(retry.multiplier) || retry.multiplier < 1) {
    invalid(`retry.multiplier is ${retry.multiplier}, must be at least 1`);
  }
  if (!(retry.randomizationFactor >= 0 && retry.randomizationFactor <= 1)) {
    invalid(`retry.randomizationFactor is ${retry.randomizationFactor}, must be between 0 and 1`);
  }
}

function positive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) invalid(`${name} is ${value}, must be positive`);
}

function nonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) invalid(`${name} is ${value}, must be zero or positive`);
}

function invalid(message: string): never {
  throw new ExporterError('EXPORT_CONFIG_INVALID', message);
}
