import { ReceiverConfigError } from './errors.js';

/**
 * 64 MiB: two gzip requests of the default 16 MiB (each holds its compressed
 * and its inflated bytes), or some three hundred of the 200 KB an SDK
 * usually sends, at once. Decoded requests take several times their bytes,
 * so this is the lever on a receiver's peak memory under load.
 */
export const DEFAULT_MAX_INFLIGHT_BYTES = 64 * 1024 * 1024;
/** 1024 connections per listener: many times a host's exporters, far below a process's descriptor limit. */
export const DEFAULT_MAX_CONNECTIONS = 1024;
/** 100, the least HTTP/2 (RFC 9113 §6.5.2) advises; an OTLP exporter has one or two calls open. */
export const DEFAULT_GRPC_MAX_CONCURRENT_STREAMS = 100;
/** 5 minutes: longer than the SDKs' 60 s export interval, so a periodic exporter keeps its connection. */
export const DEFAULT_GRPC_MAX_CONNECTION_IDLE_MS = 5 * 60_000;
/** 2 hours, the collector's (gRPC-Go's) server keepalive time. */
export const DEFAULT_GRPC_KEEPALIVE_TIME_MS = 2 * 3_600_000;
/** 20 seconds, the collector's (gRPC-Go's) server keepalive timeout. */
export const DEFAULT_GRPC_KEEPALIVE_TIMEOUT_MS = 20_000;
/** 5 minutes, the collector's (gRPC-Go's) keepalive enforcement `min_time`. */
export const DEFAULT_GRPC_KEEPALIVE_MIN_TIME_MS = 5 * 60_000;
/** Timers in Node hold at most 2^31 − 1 ms (about 24.8 days); longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_COUNT = 2 ** 31 - 1;

/**
 * The connection and memory limits of a configuration, defaults in place of
 * absent fields; each is documented on `OtlpReceiverConfig`.
 */
export interface ConnectionLimits {
  maxInflightBytes: number;
  maxConnections: number;
  grpcMaxConcurrentStreams: number;
  grpcMaxConnectionIdleMs: number;
  grpcKeepaliveTimeMs: number;
  grpcKeepaliveTimeoutMs: number;
  grpcKeepaliveMinTimeMs: number;
}

/** The fields of {@link ConnectionLimits} as a configuration gives them, each optional. */
export type ConnectionLimitsConfig = Partial<ConnectionLimits>;

/** The configuration's connection limits, defaults in place of absent fields. */
export function resolveConnectionLimits(config: ConnectionLimitsConfig): ConnectionLimits {
  return {
    maxInflightBytes: config.maxInflightBytes ?? DEFAULT_MAX_INFLIGHT_BYTES,
    maxConnections: config.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    grpcMaxConcurrentStreams: config.grpcMaxConcurrentStreams ?? DEFAULT_GRPC_MAX_CONCURRENT_STREAMS,
    grpcMaxConnectionIdleMs: config.grpcMaxConnectionIdleMs ?? DEFAULT_GRPC_MAX_CONNECTION_IDLE_MS,
    grpcKeepaliveTimeMs: config.grpcKeepaliveTimeMs ?? DEFAULT_GRPC_KEEPALIVE_TIME_MS,
    grpcKeepaliveTimeoutMs: config.grpcKeepaliveTimeoutMs ?? DEFAULT_GRPC_KEEPALIVE_TIMEOUT_MS,
    grpcKeepaliveMinTimeMs: config.grpcKeepaliveMinTimeMs ?? DEFAULT_GRPC_KEEPALIVE_MIN_TIME_MS,
  };
}

/** What a message calls these limits' fields and the request size they are checked against (a narrowing of the receiver's setting names, so this module needs no part of the receiver's config). */
export type ConnectionSettingName = (field: keyof ConnectionLimits | 'maxRequestBytes') => string;

/**
 * Checks the connection limits; `maxRequestBytes` is the configuration's,
 * since one gzip request holds up to its compressed and its inflated size.
 * @throws {ReceiverConfigError} naming the first field that is wrong.
 */
export function validateConnectionLimits(config: ConnectionLimitsConfig, maxRequestBytes: number, settingName: ConnectionSettingName = (field) => field): void {
  const inflight = config.maxInflightBytes;
  if (inflight !== undefined && (!Number.isSafeInteger(inflight) || inflight < 2 * maxRequestBytes)) {
    throw new ReceiverConfigError(
      'maxInflightBytes',
      `${settingName('maxInflightBytes')} is ${String(inflight)}, must be a whole number of at least twice ${settingName('maxRequestBytes')} (${2 * maxRequestBytes}): ` +
        'a gzip request holds its compressed and its inflated bytes',
    );
  }
  const limits: [keyof ConnectionLimits, number][] = [
    ['maxConnections', MAX_COUNT],
    ['grpcMaxConcurrentStreams', MAX_COUNT],
    ['grpcMaxConnectionIdleMs', MAX_TIMER_MS],
    ['grpcKeepaliveTimeMs', MAX_TIMER_MS],
    ['grpcKeepaliveTimeoutMs', MAX_TIMER_MS],
    ['grpcKeepaliveMinTimeMs', MAX_TIMER_MS],
  ];
  for (const [field, max] of limits) {
    const value = config[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > max)) {
      throw new ReceiverConfigError(field, `${settingName(field)} is ${String(value)}, must be a whole number from 1 to ${max}`);
    }
  }
}
