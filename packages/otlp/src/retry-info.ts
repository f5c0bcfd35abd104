import { ProtoReader } from './proto-reader.js';
import { ProtoWriter } from './proto-writer.js';
import type { ProtoAny } from './types.js';
import { fieldTag, WIRE_LEN, WIRE_VARINT } from './wire-format.js';

/** The `google.protobuf.Any` type URL of google.rpc.RetryInfo. */
export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

/** google.protobuf.Duration: `seconds` plus `nanos` (of the same sign, below 1e9 in size). */
export interface ProtoDuration {
  seconds: number;
  nanos: number;
}

/**
 * google.rpc.RetryInfo: how long a client should wait before it retries,
 * carried in google.rpc.Status.details. `retryDelay` is undefined when the
 * field is absent.
 */
export interface RetryInfo {
  retryDelay: ProtoDuration | undefined;
}

const RETRY_DELAY = fieldTag(1, WIRE_LEN);
const DURATION_SECONDS = fieldTag(1, WIRE_VARINT);
const DURATION_NANOS = fieldTag(2, WIRE_VARINT);

/** Both messages are a few bytes long; one writer serves every (synchronous) encode. */
const writer = new ProtoWriter(32);

/**
 * A non-negative delay in seconds as a Duration: whole seconds, the rest in
 * nanoseconds rounded to the nearest, a rounding that reaches a whole second
 * carried into `seconds`.
 */
export function durationFromSeconds(delaySeconds: number): ProtoDuration {
  let seconds = Math.floor(delaySeconds);
  let nanos = Math.round((delaySeconds - seconds) * 1e9);
  if (nanos >= 1e9) {
    seconds += 1;
    nanos = 0;
  }
  return { seconds, nanos };
}

/** Encodes a RetryInfo as canonical proto3 (zeros left out; a present delay is written even when zero). */
export function encodeRetryInfo(info: RetryInfo): Uint8Array {
  const w = writer;
  w.reset();
  const delay = info.retryDelay;
  if (delay !== undefined) {
    w.varint32(RETRY_DELAY);
    const start = w.fork();
    if (delay.seconds !== 0) {
      w.varint32(DURATION_SECONDS);
      w.varint64(BigInt(delay.seconds));
    }
    if (delay.nanos !== 0) {
      w.varint32(DURATION_NANOS);
      w.int32(delay.nanos);
    }
    w.join(start);
  }
  return w.finish();
}

/**
 * Decodes a RetryInfo by protobuf's rules (unknown fields skipped, the last
 * occurrence wins). Malformed input throws `OtlpDecodeError`.
 */
export function decodeRetryInfo(bytes: Uint8Array): RetryInfo {
  const r = new ProtoReader(bytes);
  let retryDelay: ProtoDuration | undefined;
  while (r.pos < r.limit) {
    const tag = r.tag('RetryInfo');
    if (tag >>> 3 === 1) {
      r.expectWire(tag, WIRE_LEN, 'RetryInfo.retry_delay');
      retryDelay = readDuration(r);
    } else {
      r.skip(tag, 'RetryInfo');
    }
  }
  return { retryDelay };
}

function readDuration(r: ProtoReader): ProtoDuration {
  const outer = r.enter('Duration');
  let seconds = 0;
  let nanos = 0;
  while (r.pos < r.limit) {
    const tag = r.tag('Duration');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_VARINT, 'Duration.seconds');
        seconds = Number(r.int64('Duration.seconds'));
        break;
      case 2:
        r.expectWire(tag, WIRE_VARINT, 'Duration.nanos');
        nanos = r.int32('Duration.nanos');
        break;
      default:
        r.skip(tag, 'Duration');
    }
  }
  r.leave(outer);
  return { seconds, nanos };
}

/** A RetryInfo asking for `delaySeconds` (non-negative), as an Any for google.rpc.Status.details. */
export function retryInfoDetail(delaySeconds: number): ProtoAny {
  return { typeUrl: RETRY_INFO_TYPE_URL, value: encodeRetryInfo({ retryDelay: durationFromSeconds(delaySeconds) }) };
}
