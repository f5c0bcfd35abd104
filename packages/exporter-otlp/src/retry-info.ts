import { decodeRetryInfo, RETRY_INFO_TYPE_URL, type ProtoAny } from '@otel-dp/otlp';

/**
 * The delay in milliseconds of the first google.rpc.RetryInfo among status
 * details, or undefined when there is none. A RetryInfo without a readable
 * retry_delay still says "retry" and gives 0, leaving the wait to the backoff.
 */
export function retryInfoDelayMillis(details: readonly ProtoAny[]): number | undefined {
  const info = details.find((detail) => detail.typeUrl === RETRY_INFO_TYPE_URL);
  if (info === undefined) return undefined;
  try {
    const delay = decodeRetryInfo(info.value).retryDelay;
    if (delay === undefined) return 0;
    return Math.max(0, delay.seconds * 1000 + delay.nanos / 1e6);
  } catch {
    return 0;
  }
}
