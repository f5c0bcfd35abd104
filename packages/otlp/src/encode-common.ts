import type { ProtoWriter } from './proto-writer.js';
import { fieldTag, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './wire-format.js';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from './types.js';

// Encoders for opentelemetry.proto.common.v1 and resource.v1. Each writes
// the body of its message; the caller writes the tag and the length around it
// (`fork`/`join`). Fields go out in field-number order and proto3 defaults are
// left out, as canonical protobuf serializers do.

const KEY = fieldTag(1, WIRE_LEN);
const VALUE = fieldTag(2, WIRE_LEN);
const STRING_VALUE = fieldTag(1, WIRE_LEN);
const BOOL_VALUE = fieldTag(2, WIRE_VARINT);
const INT_VALUE = fieldTag(3, WIRE_VARINT);
const DOUBLE_VALUE = fieldTag(4, WIRE_I64);
const ARRAY_VALUE = fieldTag(5, WIRE_LEN);
const KVLIST_VALUE = fieldTag(6, WIRE_LEN);
const BYTES_VALUE = fieldTag(7, WIRE_LEN);
const LIST_VALUES = fieldTag(1, WIRE_LEN);

/** Writes `attributes` as a repeated KeyValue field with the given tag. */
export function writeKeyValues(w: ProtoWriter, tag: number, attributes: KeyValue[]): void {
  for (let i = 0; i < attributes.length; i++) {
    const kv = attributes[i];
    w.varint32(tag);
    const start = w.fork();
    if (kv.key !== '') {
      w.varint32(KEY);
      w.string(kv.key);
    }
    w.varint32(VALUE);
    const value = w.fork();
    writeAnyValue(w, kv.value);
    w.join(value);
    w.join(start);
  }
}

/** An AnyValue body: the first member set, in field order (one on valid input). */
function writeAnyValue(w: ProtoWriter, v: AnyValue): void {
  if (v.stringValue !== undefined) {
    w.varint32(STRING_VALUE);
    w.string(v.stringValue);
  } else if (v.boolValue !== undefined) {
    w.varint32(BOOL_VALUE);
    w.varint32(v.boolValue ? 1 : 0);
  } else if (v.intValue !== undefined) {
    w.varint32(INT_VALUE);
    w.varint64(v.intValue);
  } else if (v.doubleValue !== undefined) {
    w.varint32(DOUBLE_VALUE);
    w.double(v.doubleValue);
  } else if (v.arrayValue !== undefined) {
    w.varint32(ARRAY_VALUE);
    const start = w.fork();
    const values = v.arrayValue.values;
    for (let i = 0; i < values.length; i++) {
      w.varint32(LIST_VALUES);
      const item = w.fork();
      writeAnyValue(w, values[i]);
      w.join(item);
    }
    w.join(start);
  } else if (v.kvlistValue !== undefined) {
    w.varint32(KVLIST_VALUE);
    const start = w.fork();
    writeKeyValues(w, LIST_VALUES, v.kvlistValue.values);
    w.join(start);
  } else if (v.bytesValue !== undefined) {
    w.varint32(BYTES_VALUE);
    w.bytes(v.bytesValue);
  }
}

const RESOURCE_ATTRIBUTES = fieldTag(1, WIRE_LEN);
const RESOURCE_DROPPED = fieldTag(2, WIRE_VARINT);

export function writeResource(w: ProtoWriter, resource: Resource): void {
  writeKeyValues(w, RESOURCE_ATTRIBUTES, resource.attributes);
  if (resource.droppedAttributesCount !== 0) {
    w.varint32(RESOURCE_DROPPED);
    w.varint32(resource.droppedAttributesCount);
  }
}

const SCOPE_NAME = fieldTag(1, WIRE_LEN);
const SCOPE_VERSION = fieldTag(2, WIRE_LEN);
const SCOPE_ATTRIBUTES = fieldTag(3, WIRE_LEN);
const SCOPE_DROPPED = fieldTag(4, WIRE_VARINT);

export function writeInstrumentationScope(w: ProtoWriter, scope: InstrumentationScope): void {
  if (scope.name !== '') {
    w.varint32(SCOPE_NAME);
    w.string(scope.name);
  }
  if (scope.version !== '') {
    w.varint32(SCOPE_VERSION);
    w.string(scope.version);
  }
  writeKeyValues(w, SCOPE_ATTRIBUTES, scope.attributes);
  if (scope.droppedAttributesCount !== 0) {
    w.varint32(SCOPE_DROPPED);
    w.varint32(scope.droppedAttributesCount);
  }
}
