import { encodeRpcStatus } from '@otel-dp/otlp';
import { RETRY_INFO_TYPE_URL } from '../../src/retry-info.js';

/**
 * google.rpc.RetryInfo { retry_delay: Duration { seconds, nanos } } for a
 * delay in milliseconds, written field by field: the OTLP codec has no
 * reason to encode this google.rpc type. Small values only (one-byte tags,
 * varints).
 */
export function retryInfoBytes(delayMillis: number): Uint8Array {
  const seconds = Math.floor(delayMillis / 1000);
  const nanos = (delayMillis % 1000) * 1_000_000;
  const duration = [...varintField(1, seconds), ...varintField(2, nanos)];
  return Uint8Array.from([0x0a, duration.length, ...duration]);
}

/** A google.rpc.Status carrying a RetryInfo, as a throttling server puts it in grpc-status-details-bin. */
export function throttledStatusBytes(code: number, delayMillis: number): Buffer {
  const bytes = encodeRpcStatus({ code, message: 'slow down', details: [{ typeUrl: RETRY_INFO_TYPE_URL, value: retryInfoBytes(delayMillis) }] });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function varintField(field: number, value: number): number[] {
  if (value === 0) return [];
  const bytes = [field << 3];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}
