import { ExporterError, validateRetryConfig, type RetryConfig } from '@otel-dp/exporter-helper';
import { HEADER_NAME } from './headers.js';

/** Wire protocol of the OTLP exporter (the values of OTEL_EXPORTER_OTLP_PROTOCOL). */
export type OtlpProtocol = 'grpc' | 'http/protobuf' | 'http/json';

/** The protocols, in the order they are documented. */
export const OTLP_PROTOCOLS: readonly OtlpProtocol[] = ['grpc', 'http/protobuf', 'http/json'];

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

function nonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) invalid(`${name} is ${value}, must be zero or positive`);
}

function invalid(message: string): never {
  throw new ExporterError('EXPORT_CONFIG_INVALID', message);
}
