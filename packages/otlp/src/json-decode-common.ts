import { MAX_ANY_VALUE_DEPTH } from './decode-common.js';
import {
  jsonArray,
  jsonBase64Bytes,
  jsonBool,
  jsonDouble,
  jsonElement,
  JsonFieldError,
  jsonInt64,
  jsonMessage,
  jsonString,
  jsonUint32,
  type JsonObject,
} from './json-scalars.js';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from './types.js';
import { JsonAttributeCache } from './json-attribute-cache.js';

// OTLP/JSON decoders for opentelemetry.proto.common.v1 and resource.v1.

/** Decodes each element of a repeated message field, adding its index to an error path. */
export function jsonList<T>(v: unknown, field: string, decode: (o: JsonObject) => T): T[] {
  const items = jsonArray(v, field);
  const out: T[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      out.push(decode(jsonElement(items[i])));
    } catch (e) {
      throw JsonFieldError.within(JsonFieldError.within(e, `[${i}]`), field);
    }
  }
  return out;
}

/** Decodes a singular message field; undefined when absent or null. */
export function jsonNested<T>(v: unknown, field: string, decode: (o: JsonObject) => T): T | undefined {
  const o = jsonMessage(v, field);
  if (o === undefined) return undefined;
  try {
    return decode(o);
  } catch (e) {
    throw JsonFieldError.within(e, field);
  }
}

export function jsonKeyValues(v: unknown, field: string): KeyValue[] {
  return jsonKeyValueList(v, field, 0);
}

const pointAttributes = new JsonAttributeCache();

/**
 * A data point's attributes: from the cache when the same list was decoded
 * before (frozen and shared, see {@link JsonAttributeCache}), else decoded
 * as {@link jsonKeyValues} does, with its checks and errors, and offered to
 * the cache.
 */
export function jsonPointAttributes(v: unknown, field: string): KeyValue[] {
  if (!Array.isArray(v)) return jsonKeyValueList(v, field, 0);
  const cached = pointAttributes.lookup(v);
  if (cached !== undefined) return cached as KeyValue[];
  return pointAttributes.store(jsonKeyValueList(v, field, 0)) as KeyValue[];
}

function jsonKeyValueList(v: unknown, field: string, depth: number): KeyValue[] {
  const items = jsonArray(v, field);
  const out: KeyValue[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      const o = jsonElement(items[i]);
      const value = jsonMessage(o.value, 'value');
      out.push({ key: jsonString(o.key, 'key'), value: value === undefined ? {} : jsonAnyValueIn(value, depth) });
    } catch (e) {
      throw JsonFieldError.within(JsonFieldError.within(e, `[${i}]`), field);
    }
  }
  return out;
}

/** An AnyValue object found in field `value`; `depth` counts the AnyValues around it. */
function jsonAnyValueIn(o: JsonObject, depth: number): AnyValue {
  try {
    return jsonAnyValue(o, depth);
  } catch (e) {
    throw JsonFieldError.within(e, 'value');
  }
}

/**
 * An AnyValue: the one member present (null counts as absent), or an empty
 * value. Two members are refused, as protobuf's JSON parser refuses a oneof
 * set twice.
 */
function jsonAnyValue(o: JsonObject, depth: number): AnyValue {
  if (depth > MAX_ANY_VALUE_DEPTH) {
    throw new JsonFieldError('', `AnyValue nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  }
  let value: AnyValue | undefined;
  let member = '';
  if (o.stringValue !== undefined && o.stringValue !== null) {
    member = 'stringValue';
    value = { stringValue: jsonString(o.stringValue, member) };
  }
  if (o.boolValue !== undefined && o.boolValue !== null) {
    member = onlyMember(member, 'boolValue');
    value = { boolValue: jsonBool(o.boolValue, member) };
  }
  if (o.intValue !== undefined && o.intValue !== null) {
    member = onlyMember(member, 'intValue');
    value = { intValue: jsonInt64(o.intValue, member) };
  }
  if (o.doubleValue !== undefined && o.doubleValue !== null) {
    member = onlyMember(member, 'doubleValue');
    value = { doubleValue: jsonDouble(o.doubleValue, member) };
  }
  if (o.arrayValue !== undefined && o.arrayValue !== null) {
    member = onlyMember(member, 'arrayValue');
    value = { arrayValue: { values: jsonAnyValueList(o.arrayValue, depth + 1) } };
  }
  if (o.kvlistValue !== undefined && o.kvlistValue !== null) {
    member = onlyMember(member, 'kvlistValue');
    value = { kvlistValue: { values: jsonKeyValueListValue(o.kvlistValue, depth + 1) } };
  }
  if (o.bytesValue !== undefined && o.bytesValue !== null) {
    member = onlyMember(member, 'bytesValue');
    value = { bytesValue: jsonBase64Bytes(o.bytesValue, member) };
  }
  return value ?? {};
}

function onlyMember(found: string, member: string): string {
  if (found !== '') throw new JsonFieldError(member, `AnyValue has both ${found} and ${member}; it holds one value`);
  return member;
}

/** The `values` of an ArrayValue found in field `arrayValue`. */
function jsonAnyValueList(v: unknown, depth: number): AnyValue[] {
  const list = jsonMessage(v, 'arrayValue') as JsonObject;
  try {
    const items = jsonArray(list.values, 'values');
    const out: AnyValue[] = [];
    for (let i = 0; i < items.length; i++) {
      try {
        out.push(jsonAnyValue(jsonElement(items[i]), depth));
      } catch (e) {
        throw JsonFieldError.within(JsonFieldError.within(e, `[${i}]`), 'values');
      }
    }
    return out;
  } catch (e) {
    throw JsonFieldError.within(e, 'arrayValue');
  }
}

/** The `values` of a KeyValueList found in field `kvlistValue`. */
function jsonKeyValueListValue(v: unknown, depth: number): KeyValue[] {
  const list = jsonMessage(v, 'kvlistValue') as JsonObject;
  try {
    return jsonKeyValueList(list.values, 'values', depth);
  } catch (e) {
    throw JsonFieldError.within(e, 'kvlistValue');
  }
}

export function jsonResource(o: JsonObject): Resource {
  return {
    attributes: jsonKeyValues(o.attributes, 'attributes'),
    droppedAttributesCount: jsonUint32(o.droppedAttributesCount, 'droppedAttributesCount'),
  };
}

export function jsonInstrumentationScope(o: JsonObject): InstrumentationScope {
  return {
    name: jsonString(o.name, 'name'),
    version: jsonString(o.version, 'version'),
    attributes: jsonKeyValues(o.attributes, 'attributes'),
    droppedAttributesCount: jsonUint32(o.droppedAttributesCount, 'droppedAttributesCount'),
  };
}
