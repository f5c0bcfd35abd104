import type { ProtoAny } from '@otel-dp/otlp';

/** The `google.protobuf.Any` type URL of google.rpc.RetryInfo. */
export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

/**
 * The delay in milliseconds of the first google.rpc.RetryInfo among status
 * details, or undefined when there is none. A RetryInfo without a readable
 * retry_delay still says "retry" and gives 0, leaving the wait to the backoff.
 *
 * RetryInfo is `{ Duration retry_delay = 1; }` and Duration is
 * `{ int64 seconds = 1; int32 nanos = 2; }`; the OTLP codec does not cover
 * these google.rpc types, so this reads just those two messages.
 */
export function retryInfoDelayMillis(details: readonly ProtoAny[]): number | undefined {
  const info = details.find((detail) => detail.typeUrl === RETRY_INFO_TYPE_URL);
  if (info === undefined) return undefined;
  try {
    const duration = readFields(info.value).get(1);
    if (!(duration instanceof Uint8Array)) return 0;
    const fields = readFields(duration);
    const seconds = asNumber(fields.get(1));
    const nanos = asNumber(fields.get(2));
    return Math.max(0, seconds * 1000 + nanos / 1e6);
  } catch {
    return 0;
  }
}

function asNumber(value: bigint | Uint8Array | undefined): number {
  return typeof value === 'bigint' ? Number(BigInt.asIntN(64, value)) : 0;
}

/** Last value of each field: varints as bigint, length-delimited as bytes; fixed-width fields are skipped. */
function readFields(bytes: Uint8Array): Map<number, bigint | Uint8Array> {
  const fields = new Map<number, bigint | Uint8Array>();
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (offset >= bytes.length) throw new RangeError('truncated varint');
      const byte = bytes[offset++];
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
    }
    throw new RangeError('varint too long');
  };
  while (offset < bytes.length) {
    const key = Number(varint());
    const field = key >>> 3;
    switch (key & 7) {
      case WIRE_VARINT:
        fields.set(field, varint());
        break;
      case WIRE_LEN: {
        const length = Number(varint());
        if (offset + length > bytes.length) throw new RangeError('truncated field');
        fields.set(field, bytes.subarray(offset, offset + length));
        offset += length;
        break;
      }
      case WIRE_I64:
        offset += 8;
        break;
      case WIRE_I32:
        offset += 4;
        break;
      default:
        throw new RangeError(`unsupported wire type ${key & 7}`);
    }
  }
  if (offset > bytes.length) throw new RangeError('truncated field');
  return fields;
}
