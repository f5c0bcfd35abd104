import type { ProtoAny } from '@otel-dp/otlp';

/** The `google.protobuf.Any` type URL of google.rpc.RetryInfo. */
export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * google.rpc.RetryInfo { google.protobuf.Duration retry_delay = 1; } as an Any
 * for google.rpc.Status.details, which is where gRPC clients look for how
 * long to wait. The message is two varints deep and fixed, so it is written
 * here rather than in the OTLP codec, which knows only OTLP messages.
 */
export function retryInfoDetail(delaySeconds: number): ProtoAny {
  let seconds = Math.floor(delaySeconds);
  let nanos = Math.round((delaySeconds - seconds) * 1e9);
  // Rounding can reach a whole second, which Duration writes in `seconds`.
  if (nanos >= 1e9) {
    seconds += 1;
    nanos = 0;
  }
  // Duration { int64 seconds = 1; int32 nanos = 2; }: field tags 0x08 and 0x10, zeros omitted.
  const duration: number[] = [];
  if (seconds > 0) duration.push(0x08, ...varint(seconds));
  if (nanos > 0) duration.push(0x10, ...varint(nanos));
  // RetryInfo: field 1, wire type 2 (tag 0x0a), then the Duration's length.
  return { typeUrl: RETRY_INFO_TYPE_URL, value: Uint8Array.from([0x0a, ...varint(duration.length), ...duration]) };
}

// Base-128 varint of a non-negative safe integer, least significant group first.
function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}
