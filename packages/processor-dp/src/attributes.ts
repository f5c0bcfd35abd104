import type { AnyValue, KeyValue } from '@otel-dp/otlp';

/**
 * The token carried by `key` in `attributes`, as a string, or undefined.
 * Only non-empty strings and integers count as tokens; anything else is
 * treated as untokened (fail closed).
 */
export function tokenIn(attributes: readonly KeyValue[], key: string): string | undefined {
  for (let i = 0; i < attributes.length; i++) {
    const attribute = attributes[i];
    if (attribute.key !== key) continue;
    const value = attribute.value;
    if (value.stringValue !== undefined) return value.stringValue === '' ? undefined : value.stringValue;
    if (value.intValue !== undefined) return value.intValue.toString();
    return undefined;
  }
  return undefined;
}

/** `attributes` without `key`; the same array when `key` is absent, so the common case allocates nothing. */
export function withoutAttribute(attributes: KeyValue[], key: string): KeyValue[] {
  for (let i = 0; i < attributes.length; i++) {
    if (attributes[i].key === key) return attributes.filter((attribute) => attribute.key !== key);
  }
  return attributes;
}

/**
 * A canonical string for an attribute set, independent of order, leaving out
 * the attribute named `skipKey` (the token). Keys and string values are
 * length-prefixed so no choice of characters can make two different sets
 * collide.
 */
export function attributesKey(attributes: readonly KeyValue[], skipKey?: string): string {
  // Most senders write attributes in a fixed order, often sorted: then no array or sort is needed.
  let key = '';
  let previous = '';
  for (let i = 0; i < attributes.length; i++) {
    const name = attributes[i].key;
    if (name === skipKey) continue;
    if (name <= previous && key !== '') return sortedKey(attributes, skipKey);
    key += pairKey(attributes[i]);
    previous = name;
  }
  return key;
}

/** The same key as the fast path gives for the attributes sorted by name (duplicate names then by value). */
function sortedKey(attributes: readonly KeyValue[], skipKey: string | undefined): string {
  const parts: [string, string][] = [];
  for (let i = 0; i < attributes.length; i++) {
    if (attributes[i].key !== skipKey) parts.push([attributes[i].key, pairKey(attributes[i])]);
  }
  parts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  let key = '';
  for (const [, pair] of parts) key += pair;
  return key;
}

function pairKey(attribute: KeyValue): string {
  return `${attribute.key.length}:${attribute.key}${valueKey(attribute.value)}`;
}

function valueKey(value: AnyValue): string {
  if (value.stringValue !== undefined) return `s${value.stringValue.length}:${value.stringValue}`;
  if (value.intValue !== undefined) return `i${value.intValue};`;
  if (value.doubleValue !== undefined) return `d${value.doubleValue};`;
  if (value.boolValue !== undefined) return value.boolValue ? 'T' : 'F';
  if (value.arrayValue !== undefined) return `a${value.arrayValue.values.length}[${value.arrayValue.values.map(valueKey).join('')}]`;
  if (value.kvlistValue !== undefined) return `k${value.kvlistValue.values.length}{${attributesKey(value.kvlistValue.values)}}`;
  if (value.bytesValue !== undefined) return `b${Buffer.from(value.bytesValue).toString('base64')};`;
  return 'n';
}

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);

/** FNV-1a over a string's UTF-16 units, continued from `hash`. */
function hashString(text: string, hash: number): number {
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

/** Murmur3's finalizer: spreads every input bit over the whole word. */
function mix(hash: number): number {
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

function hashNumber(value: number, hash: number): number {
  scratch[0] = value;
  return Math.imul(Math.imul(hash ^ scratchWords[0], 0x01000193) ^ scratchWords[1], 0x01000193);
}

function hashValue(value: AnyValue, hash: number): number {
  if (value.stringValue !== undefined) return hashString(value.stringValue, hash ^ 0x73);
  // Integers past 2^53 may share a hash with a neighbour; sameAttributes tells them apart.
  if (value.intValue !== undefined) return hashNumber(Number(value.intValue), hash ^ 0x69);
  if (value.doubleValue !== undefined) return hashNumber(value.doubleValue, hash ^ 0x64);
  if (value.boolValue !== undefined) return Math.imul(hash ^ (value.boolValue ? 0x54 : 0x46), 0x01000193);
  if (value.arrayValue !== undefined) {
    for (const item of value.arrayValue.values) hash = hashValue(item, Math.imul(hash ^ 0x61, 0x01000193));
    return hash;
  }
  if (value.kvlistValue !== undefined) return Math.imul(hash ^ attributesHash(value.kvlistValue.values), 0x01000193);
  if (value.bytesValue !== undefined) {
    for (const byte of value.bytesValue) hash = Math.imul(hash ^ byte, 0x01000193);
    return Math.imul(hash ^ 0x62, 0x01000193);
  }
  return hash;
}

/**
 * A 32-bit hash of an attribute set that does not depend on the order of its
 * attributes (a sum of per-attribute hashes), leaving out `skipKey`. Equal
 * sets hash alike; {@link sameAttributes} settles collisions.
 */
export function attributesHash(attributes: readonly KeyValue[], skipKey?: string): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < attributes.length; i++) {
    const attribute = attributes[i];
    if (attribute.key === skipKey) continue;
    sum = (sum + mix(hashValue(attribute.value, hashString(attribute.key, 0x811c9dc5)))) | 0;
    count++;
  }
  return mix(sum ^ count);
}

/**
 * Whether two attribute sets hold the same attributes, in any order, leaving
 * out `skipKey`. Keys are unique within a valid OTLP attribute list, which
 * this relies on.
 */
export function sameAttributes(a: readonly KeyValue[], b: readonly KeyValue[], skipKey?: string): boolean {
  let countA = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i].key === skipKey) continue;
    countA++;
    let found = false;
    for (let j = 0; j < b.length && !found; j++) found = b[j].key === a[i].key && sameValue(a[i].value, b[j].value);
    if (!found) return false;
  }
  let countB = 0;
  for (let j = 0; j < b.length; j++) if (b[j].key !== skipKey) countB++;
  return countA === countB;
}

function sameValue(a: AnyValue, b: AnyValue): boolean {
  if (a.stringValue !== undefined) return a.stringValue === b.stringValue;
  if (a.intValue !== undefined) return a.intValue === b.intValue;
  if (a.doubleValue !== undefined) return Object.is(a.doubleValue, b.doubleValue);
  if (a.boolValue !== undefined) return a.boolValue === b.boolValue;
  if (a.arrayValue !== undefined) {
    const x = a.arrayValue.values;
    const y = b.arrayValue?.values;
    return y !== undefined && x.length === y.length && x.every((item, i) => sameValue(item, y[i]));
  }
  if (a.kvlistValue !== undefined) return b.kvlistValue !== undefined && sameAttributes(a.kvlistValue.values, b.kvlistValue.values);
  if (a.bytesValue !== undefined) return b.bytesValue !== undefined && Buffer.from(a.bytesValue).equals(b.bytesValue);
  return b.stringValue === undefined && b.intValue === undefined && b.doubleValue === undefined && b.boolValue === undefined &&
    b.arrayValue === undefined && b.kvlistValue === undefined && b.bytesValue === undefined;
}
