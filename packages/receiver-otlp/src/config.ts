import type { ListenAddress } from '@otel-dp/pipeline';
import { resolveConnectionLimits, validateConnectionLimits } from './connection-limits.js';
import type { ConnectionLimits } from './connection-limits.js';
import { ReceiverConfigError } from './errors.js';

/** A field of {@link OtlpReceiverConfig} (TLS files as `tls.certFile` …), as errors and limit messages name it. */
export type ReceiverConfigField = keyof OtlpReceiverConfig | `tls.${keyof ReceiverTlsConfig}`;

/**
 * What a message calls a setting. By default the field's own name; a
 * program that sets the fields from its own options (the sidecar's flags)
 * gives its names, so that users and clients read the name the operator set.
 */
export type ReceiverSettingName = (field: ReceiverConfigField) => string;

/** Names each setting by its field. */
export function fieldName(field: ReceiverConfigField): string {
  return field;
}

// One definition for every listener of the pipeline; re-exported as part of this package's configuration API.
export { formatListenAddress, isLoopbackHost, type ListenAddress } from '@otel-dp/pipeline';

/** The OTLP/HTTP port of the specification (4318), bound to loopback only. */
export const DEFAULT_HTTP_LISTEN: ListenAddress = Object.freeze({ host: '127.0.0.1', port: 4318 });
/** The OTLP/gRPC port of the specification (4317), bound to loopback only. */
export const DEFAULT_GRPC_LISTEN: ListenAddress = Object.freeze({ host: '127.0.0.1', port: 4317 });
/** 16 MiB: above the collector's 4 MiB gRPC default, below its 20 MiB HTTP default. */
export const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;
/** gRPC carries message sizes as int32, and one Buffer holds the whole body. */
export const MAX_REQUEST_BYTES_LIMIT = 2 ** 31 - 1;
/** How long `shutdown()` lets in-flight requests finish before closing their connections. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MILLIS = 5000;
/**
 * 100: OTLP compresses 4 to 20 times as protobuf and up to about 50 times as
 * very repetitive JSON (measured on 10 to 10,000 points), while a gzip bomb
 * of zeros inflates about 1,000 times.
 */
export const DEFAULT_MAX_GZIP_RATIO = 100;
/**
 * Inflated bytes before the gzip ratio is checked: small bodies carry a
 * fixed gzip overhead that can make a harmless request look highly compressed.
 */
export const GZIP_RATIO_FLOOR_BYTES = 64 * 1024;
/** 128, the OpenTelemetry SDKs' default attribute count limit. */
export const DEFAULT_MAX_ATTRIBUTES_PER_POINT = 128;
/** 4096 characters: far above real label values, low enough to keep series keys small. */
export const DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH = 4096;
/**
 * Each message decodes to an object of 50 to 200 bytes, so this bounds a
 * request's decoded size near 50 MB whatever its length; a 16 MiB request of
 * real data points (40 bytes or more each) stays under it.
 */
export const DEFAULT_MAX_MESSAGES_PER_REQUEST = 262_144;
/** Attribute limits are counts and lengths held in one number each. */
const MAX_COUNT_LIMIT = 2 ** 31 - 1;


export interface OtlpReceiverConfig {
  /** OTLP/HTTP listener (`POST /v1/metrics`), or 'off'. Default 127.0.0.1:4318. */
  httpListen: ListenAddress | 'off';
  /** OTLP/gRPC listener (MetricsService/Export), or 'off'. Default 127.0.0.1:4317. */
  grpcListen: ListenAddress | 'off';
  /**
   * Largest request accepted, in bytes, measured after decompression (and
   * also applied to the compressed body). Default 16 MiB. Larger requests get
   * HTTP 413 or gRPC RESOURCE_EXHAUSTED. Must be at least 1.
   */
  maxRequestBytes: number;
  /**
   * Largest ratio of inflated to compressed size of a gzip body or message,
   * checked while inflating once more than {@link GZIP_RATIO_FLOOR_BYTES}
   * have come out. Past it the request gets HTTP 400 / INVALID_ARGUMENT.
   * Applies to OTLP/HTTP bodies and OTLP/gRPC messages alike. Default 100; at least 1.
   */
  maxGzipRatio?: number;
  /**
   * Most attributes in one attribute list (of a resource, a scope, a data
   * point or a span), entries of nested key-value lists included. Past it the whole
   * request gets HTTP 400 / INVALID_ARGUMENT. Default 128; at least 1.
   */
  maxAttributesPerPoint?: number;
  /**
   * Longest attribute key or string value, in UTF-16 code units (one per
   * character, two for characters outside the Basic Multilingual Plane), or
   * bytes value, in bytes, at any nesting depth. Past it the whole request
   * gets HTTP 400 / INVALID_ARGUMENT. Default 4096; at least 1.
   */
  maxAttributeValueLength?: number;
  /**
   * Most ResourceMetrics, ScopeMetrics, Metric, data point, exemplar and
   * summary quantile messages in one protobuf request (ResourceSpans,
   * ScopeSpans and Span in a trace request), counted on the wire before
   * decoding; past it the request gets HTTP 400 / INVALID_ARGUMENT. Each is
   * also charged 160 bytes (600 for trace messages) against
   * `maxInflightBytes` until the request is answered. Default 262,144; at least 1.
   */
  maxMessagesPerRequest?: number;
  /** TLS on both listeners; absent (the default) serves plain HTTP and gRPC. */
  tls?: ReceiverTlsConfig;
  /**
   * Most bytes held by the requests in flight on both listeners together:
   * each request's bytes as received plus what they inflate to, until it is
   * answered. A request that would pass it gets HTTP 503 with Retry-After
   * or gRPC UNAVAILABLE with RetryInfo (retried by OTLP clients). Default
   * 64 MiB; at least twice `maxRequestBytes`.
   */
  maxInflightBytes?: number;
  /**
   * Most open connections on each listener; further connections are closed
   * as soon as they are accepted, before a byte is read. Default 1024; at least 1.
   */
  maxConnections?: number;
  /**
   * Most calls open at once on one OTLP/gRPC connection (the HTTP/2
   * SETTINGS_MAX_CONCURRENT_STREAMS the server announces); the client
   * queues the rest. Default 100; at least 1.
   */
  grpcMaxConcurrentStreams?: number;
  /**
   * An OTLP/gRPC connection with no call open for this long is closed
   * (GOAWAY), as the collector's `max_connection_idle`. Milliseconds.
   * Default 300000 (5 minutes); at least 1.
   */
  grpcMaxConnectionIdleMs?: number;
  /**
   * The server pings an OTLP/gRPC connection after this long without a ping
   * answered, as the collector's keepalive `time`. Milliseconds. Default
   * 7200000 (2 hours); at least 1.
   */
  grpcKeepaliveTimeMs?: number;
  /**
   * A connection whose ping is not answered within this long is closed, as
   * the collector's keepalive `timeout`. Milliseconds. Default 20000; at least 1.
   */
  grpcKeepaliveTimeoutMs?: number;
  /**
   * Least time between a client's pings while it has a call open, as the
   * collector's keepalive enforcement `min_time` (with no call open, pings
   * more often than every 2 hours count against it). The third ping too
   * early gets GOAWAY ENHANCE_YOUR_CALM. Milliseconds. Default 300000 (5
   * minutes); at least 1.
   */
  grpcKeepaliveMinTimeMs?: number;
}

/**
 * PEM files for TLS, read when the receiver starts. TLS 1.2 is the lowest
 * version accepted.
 */
export interface ReceiverTlsConfig {
  /** The server certificate chain, leaf first. */
  certFile: string;
  /** The unencrypted private key of that certificate. */
  keyFile: string;
  /**
   * CA certificates. When given, clients must present a
   * certificate signed by one of them (mutual TLS); others are refused
   * during the handshake. Absent: no client certificate is asked for.
   */
  clientCaFile?: string;
}

/** The limits of a configuration, with defaults filled in. */
export interface ReceiverLimits {
  maxRequestBytes: number;
  maxGzipRatio: number;
  maxAttributesPerPoint: number;
  maxAttributeValueLength: number;
  maxMessagesPerRequest: number;
}

export const DEFAULT_RECEIVER_CONFIG: OtlpReceiverConfig & ReceiverLimits & ConnectionLimits = Object.freeze({
  ...resolveConnectionLimits({}),
  httpListen: DEFAULT_HTTP_LISTEN,
  grpcListen: DEFAULT_GRPC_LISTEN,
  maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES,
  maxGzipRatio: DEFAULT_MAX_GZIP_RATIO,
  maxAttributesPerPoint: DEFAULT_MAX_ATTRIBUTES_PER_POINT,
  maxAttributeValueLength: DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH,
  maxMessagesPerRequest: DEFAULT_MAX_MESSAGES_PER_REQUEST,
});

/**
 * The `tls` field from three option values, the certificate, key and client
 * CA files (empty or absent values count as not given): undefined when none
 * is given.
 * @throws {ReceiverConfigError} when only one of the certificate and the key
 * is given, or the client CA without them; named by `settingName`.
 */
export function tlsConfigFromFlags(
  flags: { cert?: string; key?: string; clientCa?: string },
  settingName: ReceiverSettingName = fieldName,
): ReceiverTlsConfig | undefined {
  const [cert, key, clientCa] = (['tls.certFile', 'tls.keyFile', 'tls.clientCaFile'] as const).map(settingName);
  const given = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value);
  const certFile = given(flags.cert);
  const keyFile = given(flags.key);
  const clientCaFile = given(flags.clientCa);
  if (certFile === undefined && keyFile === undefined) {
    if (clientCaFile !== undefined) throw new ReceiverConfigError('tls.clientCaFile', `${clientCa} needs ${cert} and ${key}: client certificates are asked for only over TLS`);
    return undefined;
  }
  if (certFile === undefined) throw new ReceiverConfigError('tls.certFile', `${key} is given without ${cert}; give both`);
  if (keyFile === undefined) throw new ReceiverConfigError('tls.keyFile', `${cert} is given without ${key}; give both`);
  return clientCaFile === undefined ? { certFile, keyFile } : { certFile, keyFile, clientCaFile };
}

/**
 * The configuration with every default filled in, as {@link resolveReceiverConfig}
 * returns it; only `tls` stays optional, since its absence means plain HTTP and gRPC.
 */
export type ResolvedReceiverConfig = Required<Omit<OtlpReceiverConfig, 'tls'>> & Pick<OtlpReceiverConfig, 'tls'>;

/** Every field at its default: both listeners on loopback, no TLS. */
export function createDefaultConfig(): ResolvedReceiverConfig {
  return { ...DEFAULT_RECEIVER_CONFIG };
}

/**
 * Validates once and fills every unset field with its default; the receiver
 * uses the result everywhere after.
 * @throws {ReceiverConfigError} for the first invalid field, named by `settingName`.
 */
export function resolveReceiverConfig(config: OtlpReceiverConfig, settingName: ReceiverSettingName = fieldName): ResolvedReceiverConfig {
  validateReceiverConfig(config, settingName);
  const resolved = createDefaultConfig();
  for (const [key, value] of Object.entries(config)) {
    if (value !== undefined) Object.assign(resolved, { [key]: value });
  }
  return resolved;
}

/** The configuration's limits, defaults in place of absent fields. */
export function resolveReceiverLimits(config: OtlpReceiverConfig): ReceiverLimits {
  return {
    maxRequestBytes: config.maxRequestBytes,
    maxGzipRatio: config.maxGzipRatio ?? DEFAULT_MAX_GZIP_RATIO,
    maxAttributesPerPoint: config.maxAttributesPerPoint ?? DEFAULT_MAX_ATTRIBUTES_PER_POINT,
    maxAttributeValueLength: config.maxAttributeValueLength ?? DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH,
    maxMessagesPerRequest: config.maxMessagesPerRequest ?? DEFAULT_MAX_MESSAGES_PER_REQUEST,
  };
}

const PORT_PATTERN = /^[0-9]{1,5}$/;
// A host name or IPv4 address: no spaces, brackets, colons or slashes.
const HOST_PATTERN = /^[A-Za-z0-9._-]+$/;
const IPV6_PATTERN = /^[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?$/;

/**
 * Parses a listen address given on the command line:
 * - `host:port`, e.g. `127.0.0.1:4318` or `localhost:4318`;
 * - `[ipv6]:port`, e.g. `[::1]:4318`;
 * - `:port`, every IPv4 interface (`0.0.0.0`), as the collector's `:port`
 *   (write `[::]:port` to include IPv6); this exposes the receiver to other hosts;
 * - `off`, the listener is disabled.
 *
 * Port 0 lets the operating system choose. `name` names the option in the
 * error, e.g. `httpListen is "x", must be host:port or off`.
 * @throws {ReceiverConfigError} when the text is none of these forms, carrying `field`.
 */
export function parseListenAddress(text: string, name: string, field: string = name): ListenAddress | 'off' {
  const fail = (why?: string): never => {
    const detail = why === undefined ? '' : ` (${why})`;
    throw new ReceiverConfigError(field, `${name} is "${text}", must be host:port or off${detail}`);
  };
  const trimmed = text.trim();
  if (trimmed === 'off') return 'off';
  if (trimmed.includes('/')) fail('give the address without a scheme or path');
  const colon = trimmed.lastIndexOf(':');
  if (colon < 0) fail('the port is missing');
  let host = trimmed.slice(0, colon);
  const portText = trimmed.slice(colon + 1);
  if (!PORT_PATTERN.test(portText) || Number(portText) > 65535) fail('the port must be a number from 0 to 65535');
  if (host === '') {
    host = '0.0.0.0';
  } else if (host.startsWith('[') && host.endsWith(']')) {
    host = host.slice(1, -1);
    if (!IPV6_PATTERN.test(host) || !host.includes(':')) fail('the text in brackets must be an IPv6 address');
  } else if (host.includes(':')) {
    fail('write an IPv6 address in brackets, e.g. [::1]:4318');
  } else if (!HOST_PATTERN.test(host)) {
    fail('the host must be a name or an IP address');
  }
  return { host, port: Number(portText) };
}

/**
 * Checks a whole configuration, as the constructor does.
 * @throws {ReceiverConfigError} carrying the first field that is wrong, named by `settingName`.
 */
export function validateReceiverConfig(config: OtlpReceiverConfig, settingName: ReceiverSettingName = fieldName): void {
  const fail = (field: ReceiverConfigField, rest: string): never => {
    throw new ReceiverConfigError(field, `${settingName(field)} ${rest}`);
  };
  checkListen(config.httpListen, 'httpListen', fail, settingName);
  checkListen(config.grpcListen, 'grpcListen', fail, settingName);
  const max = config.maxRequestBytes;
  if (!Number.isInteger(max) || max < 1 || max > MAX_REQUEST_BYTES_LIMIT) {
    fail('maxRequestBytes', `is ${String(max)}, must be a whole number from 1 to ${MAX_REQUEST_BYTES_LIMIT}`);
  }
  const ratio = config.maxGzipRatio;
  if (ratio !== undefined && (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio < 1)) {
    fail('maxGzipRatio', `is ${String(ratio)}, must be a number of at least 1`);
  }
  for (const field of ['maxAttributesPerPoint', 'maxAttributeValueLength', 'maxMessagesPerRequest'] as const) {
    const value = config[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > MAX_COUNT_LIMIT)) {
      fail(field, `is ${String(value)}, must be a whole number from 1 to ${MAX_COUNT_LIMIT}`);
    }
  }
  validateConnectionLimits(config, max, settingName);
  if (config.tls !== undefined) checkTls(config.tls, fail);
}

type Fail = (field: ReceiverConfigField, rest: string) => never;

// The files themselves are read and checked by start().
function checkTls(tls: ReceiverTlsConfig, fail: Fail): void {
  if (typeof tls !== 'object' || tls === null) fail('tls', 'must be { certFile, keyFile, clientCaFile? }');
  const paths: Array<[unknown, ReceiverConfigField]> = [
    [tls.certFile, 'tls.certFile'],
    [tls.keyFile, 'tls.keyFile'],
  ];
  if (tls.clientCaFile !== undefined) paths.push([tls.clientCaFile, 'tls.clientCaFile']);
  for (const [path, field] of paths) {
    if (typeof path !== 'string' || path.trim() === '') fail(field, 'must be the path of a PEM file');
  }
}

function checkListen(listen: ListenAddress | 'off', field: 'httpListen' | 'grpcListen', fail: Fail, settingName: ReceiverSettingName): void {
  if (listen === 'off') return;
  if (typeof listen !== 'object' || listen === null || typeof listen.host !== 'string' || listen.host === '') {
    fail(field, "must be 'off' or { host, port } with a non-empty host");
  }
  if (!Number.isInteger(listen.port) || listen.port < 0 || listen.port > 65535) {
    throw new ReceiverConfigError(field, `${settingName(field)}.port is ${String(listen.port)}, must be a whole number from 0 to 65535`);
  }
}
