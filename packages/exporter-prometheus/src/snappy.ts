/*
 * Snappy block format (google/snappy format_description.txt), which
 * Prometheus remote write requires (not the framed stream format):
 *
 *   varint  uncompressed length
 *   then elements, each starting with a tag byte whose low 2 bits say:
 *     00 literal  len-1 in the upper 6 bits (< 60), or 60..63 = 1..4 bytes of len-1 follow (LE)
 *     01 copy     len 4..11 = bits 2..4 + 4, offset 11 bits = bits 5..7 then 1 byte
 *     10 copy     len 1..64 = bits 2..7 + 1, offset 2 bytes (LE)
 *     11 copy     len 1..64, offset 4 bytes (LE)
 *
 * The compressor works on 64 KiB blocks, as the reference does, so every
 * offset fits two bytes; it finds 4-byte matches through a hash table.
 */

import { CodedError } from '@otel-dp/otlp';

/** Input is cut into blocks of this many bytes; matches never cross a block. */
const BLOCK_BYTES = 65_536;
const HASH_BITS = 14;
/** Knuth's multiplicative hash constant, as the reference uses. */
const HASH_MULTIPLIER = 0x1e35a7bd;
/** Longest output decompress() accepts unless told otherwise, 64 MiB: a length prefix is not trusted. */
const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** The input is not a valid snappy block. */
export class SnappyError extends CodedError<'SNAPPY_MALFORMED'> {
  constructor(message: string) {
    super('SNAPPY_MALFORMED', message);
  }
}

/** Compresses `input` into one snappy block. */
export function snappyCompress(input: Uint8Array): Uint8Array {
  // Worst case from the reference: 32 + n + n/6.
  const out = new Uint8Array(32 + input.length + Math.ceil(input.length / 6));
  let pos = writeVarint(out, 0, input.length);
  const table = new Int32Array(1 << HASH_BITS);
  for (let start = 0; start < input.length; start += BLOCK_BYTES) {
    pos = compressBlock(input, start, Math.min(start + BLOCK_BYTES, input.length), out, pos, table);
  }
  return out.subarray(0, pos);
}

/** Decompresses one snappy block; throws {@link SnappyError} when it is malformed or longer than `maxOutputBytes`. */
export function snappyDecompress(input: Uint8Array, maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES): Uint8Array {
  let pos = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= input.length || shift > 28) throw new SnappyError('snappy length prefix is cut short or too long');
    const byte = input[pos++];
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
  }
  if (length > maxOutputBytes) throw new SnappyError(`snappy block declares ${length} bytes, more than the ${maxOutputBytes} allowed`);
  const out = new Uint8Array(length);
  let written = 0;
  while (pos < input.length) {
    const tag = input[pos++];
    let len: number;
    let offset: number;
    switch (tag & 3) {
      case 0: {
        len = tag >>> 2;
        if (len >= 60) {
          const extra = len - 59;
          if (pos + extra > input.length) throw new SnappyError('snappy literal length is cut short');
          len = 0;
          for (let i = 0; i < extra; i++) len += input[pos + i] * 2 ** (8 * i);
          pos += extra;
        }
        len += 1;
        if (pos + len > input.length || written + len > length) throw new SnappyError('snappy literal runs past the end');
        out.set(input.subarray(pos, pos + len), written);
        pos += len;
        written += len;
        continue;
      }
      case 1:
        if (pos >= input.length) throw new SnappyError('snappy copy is cut short');
        len = ((tag >>> 2) & 7) + 4;
        offset = ((tag >>> 5) << 8) | input[pos++];
        break;
      case 2:
        if (pos + 2 > input.length) throw new SnappyError('snappy copy is cut short');
        len = (tag >>> 2) + 1;
        offset = input[pos] | (input[pos + 1] << 8);
        pos += 2;
        break;
      default:
        if (pos + 4 > input.length) throw new SnappyError('snappy copy is cut short');
        len = (tag >>> 2) + 1;
        offset = (input[pos] | (input[pos + 1] << 8) | (input[pos + 2] << 16)) + input[pos + 3] * 2 ** 24;
        pos += 4;
    }
    if (offset === 0 || offset > written) throw new SnappyError(`snappy copy offset ${offset} points before the start`);
    if (written + len > length) throw new SnappyError('snappy copy runs past the declared length');
    // Byte by byte: a copy may overlap its own output (offset < len repeats a pattern).
    for (let i = 0; i < len; i++, written++) out[written] = out[written - offset];
  }
  if (written !== length) throw new SnappyError(`snappy block holds ${written} bytes, its prefix says ${length}`);
  return out;
}

function compressBlock(input: Uint8Array, start: number, end: number, out: Uint8Array, outPos: number, table: Int32Array): number {
  let pos = outPos;
  table.fill(-1);
  let literalStart = start;
  let ip = start;
  // Leave 4 bytes so every load of a 4-byte word stays inside the block.
  const matchLimit = end - 4;
  while (ip <= matchLimit) {
    const word = load32(input, ip);
    const slot = Math.imul(word, HASH_MULTIPLIER) >>> (32 - HASH_BITS);
    const candidate = table[slot];
    table[slot] = ip;
    if (candidate < start || load32(input, candidate) !== word) {
      // Incompressible stretches are skipped faster, as the reference does.
      ip += 1 + ((ip - literalStart) >>> 5);
      continue;
    }
    pos = emitLiteral(input, literalStart, ip, out, pos);
    let len = 4;
    while (ip + len < end && input[candidate + len] === input[ip + len]) len++;
    pos = emitCopy(ip - candidate, len, out, pos);
    ip += len;
    literalStart = ip;
  }
  return emitLiteral(input, literalStart, end, out, pos);
}

function emitLiteral(input: Uint8Array, from: number, to: number, out: Uint8Array, outPos: number): number {
  const len = to - from;
  if (len === 0) return outPos;
  let pos = outPos;
  const n = len - 1;
  if (n < 60) {
    out[pos++] = n << 2;
  } else {
    const bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
    out[pos++] = (59 + bytes) << 2;
    for (let i = 0; i < bytes; i++) out[pos++] = (n >>> (8 * i)) & 0xff;
  }
  out.set(input.subarray(from, to), pos);
  return pos + len;
}

function emitCopy(offset: number, length: number, out: Uint8Array, outPos: number): number {
  let pos = outPos;
  let len = length;
  // Long matches go out as 64-byte copies; 60 keeps the remainder at least 4.
  while (len >= 68) {
    pos = emitCopy2(offset, 64, out, pos);
    len -= 64;
  }
  if (len > 64) {
    pos = emitCopy2(offset, 60, out, pos);
    len -= 60;
  }
  if (len < 12 && offset < 2048) {
    out[pos++] = 1 | ((len - 4) << 2) | ((offset >>> 8) << 5);
    out[pos++] = offset & 0xff;
    return pos;
  }
  return emitCopy2(offset, len, out, pos);
}

function emitCopy2(offset: number, len: number, out: Uint8Array, pos: number): number {
  out[pos] = 2 | ((len - 1) << 2);
  out[pos + 1] = offset & 0xff;
  out[pos + 2] = offset >>> 8;
  return pos + 3;
}

function load32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

function writeVarint(out: Uint8Array, at: number, value: number): number {
  let pos = at;
  let rest = value;
  while (rest >= 0x80) {
    out[pos++] = (rest & 0x7f) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  out[pos++] = rest;
  return pos;
}
