import type { ProtoReader } from './proto-reader.js';
import { WIRE_I64, WIRE_LEN, WIRE_VARINT } from './wire-format.js';

// Repeated scalar fields. Protobuf requires a decoder to accept both the
// packed form (one length-delimited run) and one tagged value per element,
// whichever the schema declares.

/**
 * Most values one repeated scalar field of a point may hold (bucket counts,
 * bounds). SDKs send at most a few hundred, and the processor refuses
 * histograms of more than a thousand buckets; past this the request is
 * refused while decoding. It also keeps the arrays short: a JavaScript array
 * grown by push to a hundred thousand values costs about twenty times more
 * per value than one of ten thousand, so an unbounded run would decode in
 * time growing faster than its length.
 */
export const MAX_REPEATED_VALUES = 16_384;

function checkRoom(r: ProtoReader, into: readonly unknown[], more: number, where: string): void {
  if (into.length + more > MAX_REPEATED_VALUES) r.fail(`more than ${MAX_REPEATED_VALUES} values`, where);
}

/** repeated fixed64: packed (one length-delimited run) or one value per tag. */
export function readFixed64s(r: ProtoReader, tag: number, into: bigint[], where: string): void {
  const wire = tag & 7;
  if (wire === WIRE_I64) {
    checkRoom(r, into, 1, where);
    into.push(r.fixed64(where));
    return;
  }
  if (wire !== WIRE_LEN) r.wrongWireType(tag, WIRE_I64, where);
  const n = r.length(where);
  if (n % 8 !== 0) r.fail(`packed fixed64 run of ${n} bytes is not a multiple of 8`, where);
  checkRoom(r, into, n / 8, where);
  for (let i = n / 8; i > 0; i--) into.push(r.fixed64(where));
}

/** repeated double: packed or one value per tag. */
export function readDoubles(r: ProtoReader, tag: number, into: number[], where: string): void {
  const wire = tag & 7;
  if (wire === WIRE_I64) {
    checkRoom(r, into, 1, where);
    into.push(r.double(where));
    return;
  }
  if (wire !== WIRE_LEN) r.wrongWireType(tag, WIRE_I64, where);
  const n = r.length(where);
  if (n % 8 !== 0) r.fail(`packed double run of ${n} bytes is not a multiple of 8`, where);
  checkRoom(r, into, n / 8, where);
  for (let i = n / 8; i > 0; i--) into.push(r.double(where));
}

/** repeated uint64: packed or one varint per tag. */
export function readUint64s(r: ProtoReader, tag: number, into: bigint[], where: string): void {
  const wire = tag & 7;
  if (wire === WIRE_VARINT) {
    checkRoom(r, into, 1, where);
    into.push(r.uint64(where));
    return;
  }
  if (wire !== WIRE_LEN) r.wrongWireType(tag, WIRE_VARINT, where);
  const outer = r.enter(where);
  while (r.pos < r.limit) {
    checkRoom(r, into, 1, where);
    into.push(r.uint64(where));
  }
  r.leave(outer);
}
