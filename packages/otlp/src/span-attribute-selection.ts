import { CACHED_ATTRIBUTES_MAX_BYTES } from './attribute-cache.js';
import { readAttributeRun, readKeyValue } from './decode-common.js';
import type { ProtoReader } from './proto-reader.js';
import type { KeyValue } from './types.js';

/**
 * The span attributes a consumer reads. Given one, the trace decoder keeps
 * only these keys on each span and leaves the ids empty: span metrics read
 * a token and a few dimensions of attribute lists that hold a URL, a user
 * agent and more, and every object not made is memory not touched again.
 */
export interface SpanAttributeSelection {
  /** The attribute keys kept. */
  readonly keys: readonly string[];
  /**
   * The most bytes a key, or a string or bytes value, of an attribute left
   * out may have: the receiver's length limit. A span with a longer one is
   * decoded whole, so that the limit sees it.
   */
  readonly maxSkippedBytes: number;
}

/** Span.attributes, KeyValue.key and KeyValue.value, and the AnyValue members a skipped attribute may hold. */
const SPAN_ATTRIBUTES_TAG = 0x4a;
const KEY_TAG = 0x0a;
const VALUE_TAG = 0x12;
const STRING_VALUE_TAG = 0x0a;
const BOOL_VALUE_TAG = 0x10;
const INT_VALUE_TAG = 0x18;
const DOUBLE_VALUE_TAG = 0x21;
const BYTES_VALUE_TAG = 0x3a;
/** Varints of up to nine bytes hold at most 63 bits: no decoder refuses them. */
const SAFE_VARINT_BYTES = 9;
const encoder = new TextEncoder();

/**
 * A {@link SpanAttributeSelection} ready for the decoder. An attribute is
 * read without decoding it only when its decoding could not fail and no
 * receiver limit could refuse it: key, then one scalar value (or none),
 * ASCII strings, lengths within `maxSkippedBytes`. For any other attribute
 * {@link read} answers undefined and the decoder decodes the span whole, so
 * a request is refused, or not, with the same error as without a selection.
 */
export class SelectedSpanAttributes {
  private readonly keys: readonly Uint8Array[];
  private readonly maxBytes: number;

  constructor(selection: SpanAttributeSelection) {
    this.keys = selection.keys.map((key) => encoder.encode(key));
    this.maxBytes = selection.maxSkippedBytes;
  }

  /**
   * Reads the attributes field at `r.pos` (its tag just read): `kept` with
   * the attribute added when its key is selected, else `kept` itself.
   * Undefined, with `r.pos` left anywhere, when the span must be decoded
   * whole. A kept attribute comes from the decoder's attribute cache, as a
   * point's list of one would: a token met again costs no decoding, and a
   * span keeping only it shares one frozen list with every span of the token.
   */
  read(r: ProtoReader, kept: KeyValue[]): KeyValue[] | undefined {
    const buf = r.buf;
    const at = r.pos;
    const kvStart = lengthEnd(buf, at, r.limit);
    if (kvStart < 0) return undefined;
    const kvEnd = kvStart + lengthValue;
    if (kvEnd > r.limit || buf[kvStart] !== KEY_TAG) return undefined;
    const keyStart = lengthEnd(buf, kvStart + 1, kvEnd);
    if (keyStart < 0) return undefined;
    const keyEnd = keyStart + lengthValue;
    if (lengthValue > this.maxBytes || keyEnd >= kvEnd || !isAscii(r.view, keyStart, keyEnd)) return undefined;
    if (buf[keyEnd] !== VALUE_TAG) return undefined;
    const valueStart = lengthEnd(buf, keyEnd + 1, kvEnd);
    if (valueStart < 0 || valueStart + lengthValue !== kvEnd || !this.isPlainScalar(r, valueStart, kvEnd)) return undefined;
    if (!this.isSelected(buf, keyStart, keyEnd)) {
      r.pos = kvEnd;
      return kept;
    }
    const field = at - 1;
    const cached = buf[field] === SPAN_ATTRIBUTES_TAG && kvEnd - field <= CACHED_ATTRIBUTES_MAX_BYTES;
    const attribute = cached ? readAttributeRun(r, field, kvEnd, 'Span.attributes') : [readKeyValue(r, 0)];
    if (kept.length === 0) return attribute;
    const more = Object.isFrozen(kept) ? [...kept] : kept;
    more.push(attribute[0]);
    return more;
  }

  /** Whether the AnyValue in [start, end) is empty or one scalar member that decodes and passes the length limit. */
  private isPlainScalar(r: ProtoReader, start: number, end: number): boolean {
    if (start === end) return true;
    const buf = r.buf;
    switch (buf[start]) {
      case STRING_VALUE_TAG:
      case BYTES_VALUE_TAG: {
        const dataStart = lengthEnd(buf, start + 1, end);
        if (dataStart < 0 || dataStart + lengthValue !== end || lengthValue > this.maxBytes) return false;
        return buf[start] === BYTES_VALUE_TAG || isAscii(r.view, dataStart, end);
      }
      case BOOL_VALUE_TAG:
      case INT_VALUE_TAG:
        return end - start >= 2 && end - start - 1 <= SAFE_VARINT_BYTES && buf[end - 1] < 0x80 && allContinue(buf, start + 1, end - 1);
      case DOUBLE_VALUE_TAG:
        return end - start === 9;
      default:
        return false;
    }
  }

  private isSelected(buf: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    for (const key of this.keys) {
      if (key.length !== length) continue;
      let i = 0;
      while (i < length && key[i] === buf[start + i]) i++;
      if (i === length) return true;
    }
    return false;
  }
}

/** The length read by the last {@link lengthEnd}. */
let lengthValue = 0;

/**
 * The position after a length prefix of one or two bytes at `p`, with the
 * length in {@link lengthValue}; -1 when the prefix is longer or passes `limit`.
 */
function lengthEnd(buf: Uint8Array, p: number, limit: number): number {
  if (p >= limit) return -1;
  const first = buf[p];
  if (first < 0x80) {
    lengthValue = first;
    return p + 1;
  }
  if (p + 1 >= limit || buf[p + 1] >= 0x80) return -1;
  lengthValue = (first & 0x7f) | (buf[p + 1] << 7);
  return p + 2;
}

/** Whether every byte in [start, end) has its high bit set: the leading bytes of a varint. */
function allContinue(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] < 0x80) return false;
  return true;
}

/** Whether [start, end) is ASCII, and so valid UTF-8: four bytes at a time. */
function isAscii(view: DataView, start: number, end: number): boolean {
  let i = start;
  for (; i + 4 <= end; i += 4) if ((view.getUint32(i, true) & 0x80808080) !== 0) return false;
  for (; i < end; i++) if (view.getUint8(i) >= 0x80) return false;
  return true;
}
