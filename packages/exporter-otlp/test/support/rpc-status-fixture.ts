import { encodeRetryInfo, encodeRpcStatus, RETRY_INFO_TYPE_URL } from '@otel-dp/otlp';

/** google.rpc.RetryInfo { retry_delay } for a non-negative whole number of milliseconds. */
export function retryInfoBytes(delayMillis: number): Uint8Array {
  return encodeRetryInfo({ retryDelay: { seconds: Math.floor(delayMillis / 1000), nanos: (delayMillis % 1000) * 1_000_000 } });
}

/** A google.rpc.Status carrying a RetryInfo, as a throttling server puts it in grpc-status-details-bin. */
export function throttledStatusBytes(code: number, delayMillis: number): Buffer {
  const bytes = encodeRpcStatus({ code, message: 'slow down', details: [{ typeUrl: RETRY_INFO_TYPE_URL, value: retryInfoBytes(delayMillis) }] });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
