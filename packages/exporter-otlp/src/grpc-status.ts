import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { decodeRpcStatus, type ProtoAny } from '@otel-dp/otlp';
import { retryInfoDelayMillis } from './retry-info.js';
import type { AttemptResult } from '@otel-dp/exporter-helper';

/** Codes OTLP/gRPC clients retry (OTLP §Failures table); RESOURCE_EXHAUSTED is decided separately. */
const RETRYABLE_CODES = new Set<number>([
  GrpcStatus.CANCELLED,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.ABORTED,
  GrpcStatus.OUT_OF_RANGE,
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DATA_LOSS,
]);

/** Trailer carrying the full google.rpc.Status, protobuf-encoded. */
const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

/**
 * Maps a failed call to an attempt result. RESOURCE_EXHAUSTED is retried only
 * when the server attached a RetryInfo (it then means "throttled", not "too
 * big"); any RetryInfo delay becomes the server-requested wait.
 */
export function classifyGrpcError(error: ServiceError): AttemptResult {
  const code = error.code;
  const reason = `gRPC ${GrpcStatus[code] ?? code}${error.details ? `: ${error.details}` : ''}`;
  const serverDelayMillis = retryInfoDelayMillis(statusDetails(error));
  const retryable = RETRYABLE_CODES.has(code) || (code === GrpcStatus.RESOURCE_EXHAUSTED && serverDelayMillis !== undefined);
  if (!retryable) return { kind: 'failed', retryable: false, reason };
  return serverDelayMillis === undefined ? { kind: 'failed', retryable: true, reason } : { kind: 'failed', retryable: true, reason, serverDelayMillis };
}

/** The details of the google.rpc.Status trailer, or none when absent or unreadable. */
function statusDetails(error: ServiceError): ProtoAny[] {
  const value = error.metadata?.get(STATUS_DETAILS_KEY)[0];
  if (!(value instanceof Uint8Array)) return [];
  try {
    return decodeRpcStatus(value).details;
  } catch {
    return [];
  }
}
