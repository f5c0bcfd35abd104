// Protobuf wire format constants (protobuf.dev, "Encoding").

/** int32, int64, uint32, uint64, sint32, sint64, bool, enum. */
export const WIRE_VARINT = 0;
/** fixed64, sfixed64, double. */
export const WIRE_I64 = 1;
/** string, bytes, embedded messages, packed repeated fields. */
export const WIRE_LEN = 2;
/** Deprecated groups; only ever skipped. */
export const WIRE_SGROUP = 3;
export const WIRE_EGROUP = 4;
/** fixed32, sfixed32, float. */
export const WIRE_I32 = 5;

/** Protobuf tag of a field: field number and wire type in one varint. */
export function fieldTag(field: number, wire: number): number {
  return ((field << 3) | wire) >>> 0;
}

/** Proto3 leaves a double out when it is +0 (but writes -0, NaN and the rest). */
export function isDefaultDouble(value: number): boolean {
  return value === 0 && 1 / value > 0;
}
