import { AttributeCache, CACHED_ATTRIBUTES_MAX_BYTES } from './attribute-cache.js';
import type { ProtoReader } from './proto-reader.js';
import { WIRE_I64, WIRE_LEN, WIRE_VARINT } from './wire-format.js';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from './types.js';

/**
 * How many AnyValues (arrays, key/value lists) may enclose one another. Real
 * attributes nest a level or two; the cap keeps crafted input from running
 * the decoder (and later consumers) into deep recursion.
 */
export const MAX_ANY_VALUE_DEPTH = 32;

// Decoders for opentelemetry.proto.common.v1 and resource.v1. Each reads the
// length prefix of its message itself (`enter`), loops over the fields until
// the message limit, and builds its object once at the end so every object of
// a type gets the same shape.

const pointAttributes = new AttributeCache();

/**
 * A data point's attributes field, whose tag (one byte: the field numbers
 * are below 16) was just read. The run of consecutive attributes fields that
 * starts here comes from the cache, or is decoded (and cached when seen
 * before), when it is the point's first; `attributes` is what earlier fields
 * gave. A list from the cache is frozen and shared (see
 * {@link AttributeCache}); it is copied before anything is added to it.
 */
export function readPointAttributes(r: ProtoReader, tag: number, attributes: KeyValue[], where: string): KeyValue[] {
  const start = r.pos - 1;
  // Only a point's first attributes field looks ahead, and no further than
  // the cache takes: every later field of the run is read once, on its own.
  const end = attributes.length === 0 ? attributeRunEnd(r.buf, start, Math.min(r.limit, start + CACHED_ATTRIBUTES_MAX_BYTES + 1), tag) : start;
  if (end > start && end - start <= CACHED_ATTRIBUTES_MAX_BYTES) return readAttributeRun(r, start, end, where);
  const more = Object.isFrozen(attributes) ? [...attributes] : attributes;
  more.push(readKeyValue(r, 0));
  r.checkAttributes(more.length, where);
  return more;
}

/**
 * The attributes of the run of attributes fields in [start, end), tags
 * included, with `r.pos` just after the first tag (one byte): from the
 * cache, or decoded and cached when seen before. Leaves `r.pos` at `end`.
 * Frozen and shared when from the cache.
 */
export function readAttributeRun(r: ProtoReader, start: number, end: number, where: string): KeyValue[] {
  const cached = pointAttributes.lookup(r.view, start, end);
  if (cached !== undefined) {
    r.pos = end;
    return cached as KeyValue[];
  }
  const decoded: KeyValue[] = [readKeyValue(r, 0)];
  while (r.pos < end) {
    r.tag(where);
    decoded.push(readKeyValue(r, 0));
    r.checkAttributes(decoded.length, where);
  }
  return pointAttributes.store(r.buf, start, end, decoded) as KeyValue[];
}

/**
 * The end of the run of fields with this one-byte tag that starts at
 * `start`, each with a one-byte length and wholly inside the message. A
 * field that is not so ends the run; the usual decode reads it.
 */
function attributeRunEnd(buf: Uint8Array, start: number, limit: number, tag: number): number {
  let p = start;
  while (p + 1 < limit && buf[p] === tag) {
    const n = buf[p + 1];
    if (n >= 0x80 || p + 2 + n > limit) break;
    p += 2 + n;
  }
  return p;
}

/** KeyValue, entered from a repeated attributes field. */
export function readKeyValue(r: ProtoReader, depth: number): KeyValue {
  const outer = r.enter('KeyValue');
  let key = '';
  let value: AnyValue | undefined;
  while (r.pos < r.limit) {
    const tag = r.tag('KeyValue');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_LEN, 'KeyValue.key');
        key = r.string('KeyValue.key');
        break;
      case 2:
        r.expectWire(tag, WIRE_LEN, 'KeyValue.value');
        value = readAnyValue(r, depth);
        break;
      default:
        r.skip(tag, 'KeyValue');
    }
  }
  r.leave(outer);
  return { key, value: value ?? {} };
}

/** AnyValue; `depth` counts the AnyValues around this one. */
export function readAnyValue(r: ProtoReader, depth: number): AnyValue {
  if (depth > MAX_ANY_VALUE_DEPTH) r.fail(`AnyValue nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`, 'AnyValue');
  const outer = r.enter('AnyValue');
  // A oneof: each member replaces the previous one, so the last one wins.
  let value: AnyValue | undefined;
  while (r.pos < r.limit) {
    const tag = r.tag('AnyValue');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_LEN, 'AnyValue.string_value');
        value = { stringValue: r.string('AnyValue.string_value') };
        break;
      case 2:
        r.expectWire(tag, WIRE_VARINT, 'AnyValue.bool_value');
        value = { boolValue: r.bool('AnyValue.bool_value') };
        break;
      case 3:
        r.expectWire(tag, WIRE_VARINT, 'AnyValue.int_value');
        value = { intValue: r.int64('AnyValue.int_value') };
        break;
      case 4:
        r.expectWire(tag, WIRE_I64, 'AnyValue.double_value');
        value = { doubleValue: r.double('AnyValue.double_value') };
        break;
      case 5:
        r.expectWire(tag, WIRE_LEN, 'AnyValue.array_value');
        value = { arrayValue: { values: readArrayValues(r, depth + 1) } };
        break;
      case 6:
        r.expectWire(tag, WIRE_LEN, 'AnyValue.kvlist_value');
        value = { kvlistValue: { values: readKeyValueList(r, depth + 1) } };
        break;
      case 7:
        r.expectWire(tag, WIRE_LEN, 'AnyValue.bytes_value');
        value = { bytesValue: r.bytes('AnyValue.bytes_value') };
        break;
      default:
        r.skip(tag, 'AnyValue');
    }
  }
  r.leave(outer);
  return value ?? {};
}

function readArrayValues(r: ProtoReader, depth: number): AnyValue[] {
  const outer = r.enter('ArrayValue');
  const values: AnyValue[] = [];
  while (r.pos < r.limit) {
    const tag = r.tag('ArrayValue');
    if (tag >>> 3 === 1) {
      r.expectWire(tag, WIRE_LEN, 'ArrayValue.values');
      values.push(readAnyValue(r, depth));
    } else {
      r.skip(tag, 'ArrayValue');
    }
  }
  r.leave(outer);
  return values;
}

function readKeyValueList(r: ProtoReader, depth: number): KeyValue[] {
  const outer = r.enter('KeyValueList');
  const values: KeyValue[] = [];
  while (r.pos < r.limit) {
    const tag = r.tag('KeyValueList');
    if (tag >>> 3 === 1) {
      r.expectWire(tag, WIRE_LEN, 'KeyValueList.values');
      values.push(readKeyValue(r, depth));
    } else {
      r.skip(tag, 'KeyValueList');
    }
  }
  r.leave(outer);
  return values;
}

export function readResource(r: ProtoReader): Resource {
  const outer = r.enter('Resource');
  const attributes: KeyValue[] = [];
  let droppedAttributesCount = 0;
  while (r.pos < r.limit) {
    const tag = r.tag('Resource');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_LEN, 'Resource.attributes');
        attributes.push(readKeyValue(r, 0));
        r.checkAttributes(attributes.length, 'Resource.attributes');
        break;
      case 2:
        r.expectWire(tag, WIRE_VARINT, 'Resource.dropped_attributes_count');
        droppedAttributesCount = r.uint32('Resource.dropped_attributes_count');
        break;
      default:
        r.skip(tag, 'Resource');
    }
  }
  r.leave(outer);
  return { attributes, droppedAttributesCount };
}

export function readInstrumentationScope(r: ProtoReader): InstrumentationScope {
  const outer = r.enter('InstrumentationScope');
  let name = '';
  let version = '';
  const attributes: KeyValue[] = [];
  let droppedAttributesCount = 0;
  while (r.pos < r.limit) {
    const tag = r.tag('InstrumentationScope');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_LEN, 'InstrumentationScope.name');
        name = r.string('InstrumentationScope.name');
        break;
      case 2:
        r.expectWire(tag, WIRE_LEN, 'InstrumentationScope.version');
        version = r.string('InstrumentationScope.version');
        break;
      case 3:
        r.expectWire(tag, WIRE_LEN, 'InstrumentationScope.attributes');
        attributes.push(readKeyValue(r, 0));
        r.checkAttributes(attributes.length, 'InstrumentationScope.attributes');
        break;
      case 4:
        r.expectWire(tag, WIRE_VARINT, 'InstrumentationScope.dropped_attributes_count');
        droppedAttributesCount = r.uint32('InstrumentationScope.dropped_attributes_count');
        break;
      default:
        r.skip(tag, 'InstrumentationScope');
    }
  }
  r.leave(outer);
  return { name, version, attributes, droppedAttributesCount };
}
