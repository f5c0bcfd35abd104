import type { KeyValue } from './types.js';

/** Lists of more attributes than this are decoded without the cache. */
export const JSON_CACHED_ATTRIBUTES_MAX = 16;
/** Lists held before the cache starts afresh: the bench's 20,000 recurring lists fit. */
const MAX_ENTRIES = 32_768;
/** Hashes of lists seen once held before the doorkeeper starts afresh. */
const MAX_SEEN_ONCE = 32_768;
/** Distinct keys and values numbered before the cache starts afresh. */
const MAX_STRINGS = 65_536;

/**
 * A cache from the parsed OTLP/JSON attributes of a data point to their
 * decoded list, for lists whose every element is `{"key": string, "value":
 * {"stringValue": string}}` or `{… "value": {"intValue": decimal string}}`
 * and nothing else: the shape SDKs send. A service repeats the same attribute
 * sets, token included, in every export, so a hit skips the decoding and
 * allocates nothing.
 *
 * Each key and value string gets a number from a map of the strings seen
 * (V8 hashes a string natively, and once: measured three times faster than
 * hashing its characters in JavaScript), so a list is its sequence of
 * numbers, kinds included; a hit compares that sequence with the entry's,
 * so a list that only shares a hash is a miss, and one entry is kept per
 * hash: crafted input can cause misses but never more work than a miss. On a
 * miss (and for any other shape) the caller decodes the general way, with
 * its checks and errors, and hands the result to {@link store}: a list
 * decoded from the same strings is the same list, so the cache changes no
 * result, only where it comes from.
 *
 * What it returns is deeply frozen and shared by every point with the same
 * attributes, across requests, as the protobuf decoder's
 * {@link AttributeCache}: no consumer may change it in place, and consumers
 * may key work on its identity (the DP processor does). A list is stored on
 * its second sighting only, so lists that never come back (a population of
 * tokens far larger than the cache) do not churn it. Once it has numbered
 * 65,536 strings it starts afresh. Like the other caches, it keeps recent
 * attribute values (tokens among them) in memory only.
 */
export class JsonAttributeCache {
  private readonly numbers = new Map<string, number>();
  private readonly entries = new Map<number, Entry>();
  private readonly seenOnce = new Set<number>();
  /** The numbers of the last `lookup`'s keys and values (value numbers carry the kind in their low bit). */
  private readonly sequence = new Int32Array(2 * JSON_CACHED_ATTRIBUTES_MAX);
  private length = 0;
  /** The hash of the items of the last `lookup`, or -1 when they were not of the cached shape. */
  private hash = -1;

  /**
   * The cached list for the parsed `items`, or undefined on a miss or when
   * the list is not of the cached shape (then {@link store} keeps nothing).
   */
  lookup(items: readonly unknown[]): readonly KeyValue[] | undefined {
    this.hash = -1;
    const n = items.length;
    if (n === 0 || n > JSON_CACHED_ATTRIBUTES_MAX) return undefined;
    const sequence = this.sequence;
    let h = 0x811c9dc5 ^ n;
    for (let i = 0; i < n; i++) {
      const item = items[i] as { key?: unknown; value?: unknown } | null;
      if (typeof item !== 'object' || item === null) return undefined;
      const name = item.key;
      const value = item.value as SimpleValue | null;
      if (typeof name !== 'string' || typeof value !== 'object' || value === null || !onlyStringOrInt(value)) return undefined;
      const isString = value.stringValue !== undefined;
      const k = this.numberOf(name);
      const v = this.numberOf((isString ? value.stringValue : value.intValue) as string);
      // A restart renumbers the strings: the numbers taken so far mean nothing now.
      if (k < 0 || v < 0) return undefined;
      const kv = isString ? v << 1 : (v << 1) | 1;
      sequence[2 * i] = k;
      sequence[2 * i + 1] = kv;
      h = Math.imul(Math.imul(h ^ k, 0x01000193) ^ kv, 0x01000193);
    }
    this.length = 2 * n;
    // 30 bits keep the key a small integer, which V8's Map hashes and stores without allocating.
    const hash = (h ^ (h >>> 15)) & 0x3fffffff;
    this.hash = hash;
    const cached = this.entries.get(hash);
    if (cached === undefined || !sameSequence(cached.sequence, sequence, 2 * n)) return undefined;
    return cached.attributes;
  }

  /**
   * Takes the list decoded after a miss of `lookup` on the same items. On
   * the hash's second sighting it is frozen and stored (replacing a list
   * with the same hash); the list is returned either way, and is the
   * caller's own only when it was not stored.
   */
  store(attributes: KeyValue[]): readonly KeyValue[] {
    const hash = this.hash;
    this.hash = -1;
    if (hash === -1) return attributes;
    if (!this.seenOnce.delete(hash)) {
      if (this.seenOnce.size >= MAX_SEEN_ONCE) this.seenOnce.clear();
      this.seenOnce.add(hash);
      return attributes;
    }
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    for (const attribute of attributes) {
      Object.freeze(attribute.value);
      Object.freeze(attribute);
    }
    const frozen = Object.freeze(attributes);
    this.entries.set(hash, { attributes: frozen, sequence: this.sequence.slice(0, this.length) });
    return frozen;
  }

  /** The string's number, a new one when it is new; -1 when numbering had to start afresh. */
  private numberOf(s: string): number {
    const known = this.numbers.get(s);
    if (known !== undefined) return known;
    if (this.numbers.size >= MAX_STRINGS) {
      this.numbers.clear();
      this.entries.clear();
      this.seenOnce.clear();
      return -1;
    }
    const fresh = this.numbers.size;
    this.numbers.set(s, fresh);
    return fresh;
  }
}

interface Entry {
  attributes: readonly KeyValue[];
  /** The numbers of the keys and values the list was decoded from, as `lookup` takes them. */
  sequence: Int32Array;
}

function sameSequence(held: Int32Array, sequence: Int32Array, length: number): boolean {
  if (held.length !== length) return false;
  for (let i = 0; i < length; i++) if (held[i] !== sequence[i]) return false;
  return true;
}

interface SimpleValue {
  stringValue?: unknown;
  intValue?: unknown;
  boolValue?: unknown;
  doubleValue?: unknown;
  arrayValue?: unknown;
  kvlistValue?: unknown;
  bytesValue?: unknown;
}

/** A value object whose one member is a string `stringValue` or a string `intValue` (null members are left to the general path). */
function onlyStringOrInt(value: SimpleValue): boolean {
  if (value.boolValue !== undefined || value.doubleValue !== undefined || value.arrayValue !== undefined) return false;
  if (value.kvlistValue !== undefined || value.bytesValue !== undefined) return false;
  if (typeof value.stringValue === 'string') return value.intValue === undefined;
  return value.stringValue === undefined && typeof value.intValue === 'string';
}
