import { DEFAULT_RETRY, DEFAULT_TIMEOUT_MILLIS, ExporterError, validateRetryConfig, type RetryConfig } from '@otel-dp/exporter-helper';

/** An HTTP header name: an RFC 9110 token. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Headers the exporter sets itself; a configured value would break the protocol. */
const RESERVED_HEADERS = new Set([
  'content-type',
  'content-encoding',
  'content-length',
  'x-prometheus-remote-write-version',
  'transfer-encoding',
  'host',
  'connection',
  'te',
]);

export interface PrometheusRemoteWriteConfig {
  /** The receiver's URL, e.g. `http://127.0.0.1:9090/api/v1/write` (Prometheus started with its remote-write receiver enabled). */
  url: string;
  /** Extra request headers (authentication, tenant). Values are never logged. Default `{}`. */
  headers?: Record<string, string>;
  /** Limit per attempt, in milliseconds. Default 5000 (the collector's). 0 means no limit. */
  timeoutMillis?: number;
  /** Backoff between attempts. Default DEFAULT_RETRY (5 s, 30 s, 5 min, ×1.5, jitter 0.5). */
  retry?: RetryConfig;
  /** Add `otel_scope_name` and `otel_scope_version` labels to every series. Default true, as the specification says. */
  scopeLabels?: boolean;
  /**
   * Copy every resource attribute onto every series, besides `job`,
   * `instance` and `target_info`. Default false, as the collector's
   * `resource_to_telemetry_conversion`.
   */
  resourceToLabels?: boolean;
}

/** A configuration with every default filled in. */
export type ResolvedRemoteWriteConfig = Required<PrometheusRemoteWriteConfig>;

/**
 * Fills the defaults and checks every field; throws an ExporterError with
 * code EXPORT_CONFIG_INVALID naming the field. Header values and the URL's
 * credentials never appear in a message.
 */
export function resolveRemoteWriteConfig(config: PrometheusRemoteWriteConfig): { config: ResolvedRemoteWriteConfig; url: URL } {
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    return invalid('url is not a valid URL, expected e.g. http://127.0.0.1:9090/api/v1/write');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') invalid(`url scheme is ${url.protocol}, must be http: or https:`);
  const headers = { ...(config.headers ?? {}) };
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) invalid("a header name is not a valid HTTP header name (letters, digits, !#$%&'*+-.^_`|~)");
    if (RESERVED_HEADERS.has(name.toLowerCase())) invalid(`header ${name} is set by the exporter and cannot be configured`);
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) invalid(`header ${name} has a value with a line break or NUL`);
  }
  const timeoutMillis = config.timeoutMillis ?? DEFAULT_TIMEOUT_MILLIS;
  if (!Number.isFinite(timeoutMillis) || timeoutMillis < 0) invalid(`timeoutMillis is ${timeoutMillis}, must be zero or positive`);
  const retry = { ...(config.retry ?? DEFAULT_RETRY) };
  validateRetryConfig(retry);
  return {
    url,
    config: {
      url: config.url,
      headers,
      timeoutMillis,
      retry,
      scopeLabels: config.scopeLabels ?? true,
      resourceToLabels: config.resourceToLabels ?? false,
    },
  };
}

function invalid(message: string): never {
  throw new ExporterError('EXPORT_CONFIG_INVALID', message);
}
