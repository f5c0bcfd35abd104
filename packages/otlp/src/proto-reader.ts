import { Buffer } from 'node:buffer';
import { OtlpAttributeLimitError, OtlpDecodeError } from './decode-error.js';
import { CACHED_STRING_MAX_BYTES, StringCache } from './string-cache.js';
import { WIRE_EGROUP, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_SGROUP, WIRE_VARINT } from './wire-format.js';

/** How deep unknown groups may nest before the input is refused. */
const MAX_GROUP_DEPTH = 32;
const TWO_POW_32 = 4294967296;
const TWO_POW_32N = 4294967296n;
/**
 * The bigints of small uint64 values (bucket counts mostly are), made once:
 * a long run of them would otherwise allocate one heap number per two bytes
 * of input, whose garbage makes decoding time grow faster than the input.
 */
const SMALL_BIGINTS: readonly bigint[] = Array.from({ length: 1024 }, (_, i) => BigInt(i));

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const strings = new StringCache();

/**
 * A cursor over one protobuf message. Reads never cross `limit`, the end of
 * the message being read: `enter` narrows it to a length-delimited field and
 * `leave` restores it (as protobuf's CodedInputStream push/pop limits), so a
 * nested length can never reach past its parent.
 *
 * Every method that reads takes `where`, a constant naming the message or
 * field ("Metric.name"), used only to word an error.
 */
export class ProtoReader {
  readonly buf: Uint8Array;
  pos = 0;
  limit: number;
  /** High 32 bits of the last varint read (`varint32` returns the low half). */
  private hi = 0;
  /** A Buffer over `buf`: latin-1 decoding of ASCII strings, native compares. */
  private readonly text: Buffer;
  /** Little-endian fixed-width reads (V8 compiles them to plain loads). */
  readonly view: DataView;
  /** Most entries one attribute list may hold; decoding stops at the first list past it. */
  maxAttributes = Infinity;

  constructor(bytes: Uint8Array) {
    // A plain Uint8Array view: Buffer's slice semantics differ and bytes
    // handed to the caller must not alias the input.
    this.buf = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.limit = bytes.byteLength;
  }

  /** Refuses the request once an attribute list in field `where` holds `count` entries, if that passes {@link maxAttributes}. */
  checkAttributes(count: number, where: string): void {
    if (count > this.maxAttributes) {
      throw new OtlpAttributeLimitError(`more than ${this.maxAttributes} attributes at byte ${this.pos} in ${where}`, where, this.pos, this.maxAttributes);
    }
  }

  /** Throws an OtlpDecodeError naming the byte offset and the field. */
  fail(what: string, where: string, at: number = this.pos): never {
    throw new OtlpDecodeError(`${what} at byte ${at} in ${where}`);
  }

  /** Reads a field tag; refuses field number 0 and wire types 6 and 7. */
  tag(where: string): number {
    const at = this.pos;
    const tag = this.varint32(where);
    if (tag >>> 3 === 0 || (tag & 7) > WIRE_I32 || this.hi !== 0) this.invalidTag(tag, where, at);
    return tag;
  }

  private invalidTag(tag: number, where: string, at: number): never {
    if (this.hi !== 0) this.fail('field tag larger than 32 bits', where, at);
    if ((tag & 7) > WIRE_I32) this.fail(`invalid wire type ${tag & 7}`, where, at);
    this.fail('invalid field number 0', where, at);
  }

  /** Refuses a known field sent with a wire type its declaration forbids. */
  expectWire(tag: number, wire: number, where: string): void {
    if ((tag & 7) !== wire) this.wrongWireType(tag, wire, where);
  }

  wrongWireType(tag: number, expected: number, where: string): never {
    this.fail(`wire type ${tag & 7} where ${expected} is expected`, where);
  }

  /**
   * Reads a varint of up to 10 bytes and returns its low 32 bits as a signed
   * int32; the high 32 bits are left in `hi`. Most varints on the wire (tags,
   * lengths, small counts) are one byte, hence the fast path.
   */
  varint32(where: string): number {
    const pos = this.pos;
    if (pos < this.limit) {
      const b = this.buf[pos];
      if (b < 0x80) {
        this.pos = pos + 1;
        this.hi = 0;
        return b;
      }
    }
    return this.varintSlow(where);
  }

  private varintSlow(where: string): number {
    const buf = this.buf;
    const limit = this.limit;
    const start = this.pos;
    let pos = start;
    let lo = 0;
    let hi = 0;
    for (let i = 0; ; i++) {
      if (pos >= limit) this.fail('truncated varint', where, start);
      const b = buf[pos++];
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x7f) << 28;
        hi = (b & 0x7f) >>> 4;
      } else if (i < 9) hi |= (b & 0x7f) << (7 * i - 32);
      else if (b > 1) this.fail(b >= 0x80 ? 'varint longer than 10 bytes' : 'varint overflows 64 bits', where, start);
      else hi |= b << 31;
      if (b < 0x80) {
        this.pos = pos;
        this.hi = hi;
        return lo;
      }
    }
  }

  /** uint32: the low 32 bits of the varint, as protobuf truncates. */
  uint32(where: string): number {
    return this.varint32(where) >>> 0;
  }

  /** int32 and enums. */
  int32(where: string): number {
    return this.varint32(where) | 0;
  }

  /** sint32 (zigzag). */
  sint32(where: string): number {
    const n = this.varint32(where);
    return (n >>> 1) ^ -(n & 1);
  }

  bool(where: string): boolean {
    const lo = this.varint32(where);
    return lo !== 0 || this.hi !== 0;
  }

  /** uint64 varint. */
  uint64(where: string): bigint {
    const lo = this.varint32(where) >>> 0;
    const hi = this.hi >>> 0;
    if (hi === 0) return lo < SMALL_BIGINTS.length ? SMALL_BIGINTS[lo] : BigInt(lo);
    return BigInt(hi) * TWO_POW_32N + BigInt(lo);
  }

  /** int64 varint (two's complement over 10 bytes when negative). */
  int64(where: string): bigint {
    const lo = this.varint32(where) >>> 0;
    const hi = this.hi | 0;
    return hi === 0 ? BigInt(lo) : BigInt(hi) * TWO_POW_32N + BigInt(lo);
  }

  private need(n: number, what: string, where: string): number {
    const pos = this.pos;
    if (this.limit - pos < n) this.fail(`truncated ${what}`, where);
    this.pos = pos + n;
    return pos;
  }

  /**
   * fixed64 as bigint. DataView.getBigUint64 measured as fast as combining
   * two uint32 reads, and as reusing the bigints of recently read values
   * (about 22 ns a value either way, node 20), so the plain call stays.
   */
  fixed64(where: string): bigint {
    const p = this.need(8, 'fixed64', where);
    return this.view.getBigUint64(p, true);
  }

  sfixed64(where: string): bigint {
    const p = this.need(8, 'sfixed64', where);
    return this.view.getBigInt64(p, true);
  }

  double(where: string): number {
    const p = this.need(8, 'double', where);
    return this.view.getFloat64(p, true);
  }

  /** Reads a length prefix and checks the bytes it announces are there. */
  length(where: string): number {
    const at = this.pos;
    const lo = this.varint32(where) >>> 0;
    const left = this.limit - this.pos;
    if (this.hi !== 0 || lo > left) {
      const declared = (this.hi >>> 0) * TWO_POW_32 + lo;
      this.fail(`length ${declared} exceeds the ${left} bytes left`, where, at);
    }
    return lo;
  }

  /**
   * Enters a length-delimited field: the limit becomes its end. Returns the
   * outer limit, to hand back to `leave`.
   */
  enter(where: string): number {
    const n = this.length(where);
    const outer = this.limit;
    this.limit = this.pos + n;
    return outer;
  }

  leave(outer: number): void {
    this.limit = outer;
  }

  /** A proto3 string: must be valid UTF-8, as protobuf requires. */
  string(where: string): string {
    const n = this.length(where);
    const start = this.pos;
    const end = start + n;
    this.pos = end;
    if (n === 0) return '';
    if (n > CACHED_STRING_MAX_BYTES) return this.utf8(start, end, where);
    const cached = strings.lookup(this.buf, start, end);
    if (cached !== undefined) return cached;
    const s = strings.lastAscii ? this.text.toString('latin1', start, end) : this.utf8(start, end, where);
    strings.store(this.buf, start, end, s);
    return s;
  }

  private utf8(start: number, end: number, where: string): string {
    try {
      return utf8.decode(this.buf.subarray(start, end));
    } catch {
      this.fail('invalid UTF-8 in string', where, start);
    }
  }

  /** A copy: the caller may keep it without holding on to the input. */
  bytes(where: string): Uint8Array {
    const n = this.length(where);
    const start = this.pos;
    this.pos = start + n;
    return this.buf.slice(start, start + n);
  }

  /** Skips a field the schema does not know, by its wire type. */
  skip(tag: number, where: string, depth = 0): void {
    switch (tag & 7) {
      case WIRE_VARINT:
        this.varint32(where);
        return;
      case WIRE_I64:
        this.need(8, 'fixed64', where);
        return;
      case WIRE_LEN: {
        const n = this.length(where);
        this.pos += n;
        return;
      }
      case WIRE_I32:
        this.need(4, 'fixed32', where);
        return;
      case WIRE_SGROUP:
        this.skipGroup(tag >>> 3, where, depth + 1);
        return;
      default:
        this.fail(`end-group tag for field ${tag >>> 3} without a start`, where);
    }
  }

  private skipGroup(field: number, where: string, depth: number): void {
    if (depth > MAX_GROUP_DEPTH) this.fail(`groups nested deeper than ${MAX_GROUP_DEPTH}`, where);
    for (;;) {
      if (this.pos >= this.limit) this.fail(`unterminated group ${field}`, where);
      const tag = this.tag(where);
      if ((tag & 7) === WIRE_EGROUP) {
        if (tag >>> 3 !== field) this.fail(`end-group tag ${tag >>> 3} closes group ${field}`, where);
        return;
      }
      this.skip(tag, where, depth);
    }
  }
}
