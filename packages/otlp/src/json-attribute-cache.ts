import type { KeyValue } from './types.js';

/** Lists of more attributes than this are decoded without the cache. */
export const JSON_CACHED_ATTRIBUTES_MAX = 16;
/** Lists held before the cache starts afresh: the bench's 20,000 recurring lists fit. */
const MAX_ENTRIES = 32_768;
/** Keys of lists seen once held before the doorkeeper starts afresh. */
const MAX_SEEN_ONCE = 32_768;

/**
 * A cache from the parsed OTLP/JSON attributes of a data point to their
 * decoded list, for lists whose every element is `{"key": string, "value":
 * {"stringValue": string}}` or `{… "value": {"intValue": decimal string}}`
 * and nothing else: the shape SDKs send. A service repeats the same attribute
 * sets, token included, in every export, so a hit skips the decoding and
 * allocates only its key.
 *
 * The key is a hash of the keys, kinds and values; a hit is compared
 * string by string with what the list was decoded from, so a list that only
 * shares a hash is a miss, and one entry is kept per hash: crafted input can
 * cause misses but never more work than a miss. On a miss (and for any other shape) the caller decodes the general
 * way, with its checks and errors, and hands the result to {@link store}: a
 * list decoded from the same strings is the same list, so the cache changes
 * no result, only where it comes from.
 *
 * What it returns is deeply frozen and shared by every point with the same
 * attributes, across requests, as the protobuf decoder's
 * {@link AttributeCache}: no consumer may change it in place, and consumers
 * may key work on its identity (the DP processor does). A list is stored on
 * its second sighting only, so lists that never come back (a population of
 * tokens far larger than the cache) do not churn it. Like the other caches,
 * it keeps recent attribute values (tokens among them) in memory only.
 */
export class JsonAttributeCache {
  private readonly entries = new Map<number, Entry>();
  private readonly seenOnce = new Set<number>();
  /** The hash of the items of the last `lookup`, or -1 when they were not of the cached shape. */
  private hash = -1;

  /**
   * The cached list for the parsed `items`, or undefined on a miss or when
   * the list is not of the cached shape (then {@link store} keeps nothing).
   */
  lookup(items: readonly unknown[]): readonly KeyValue[] | undefined {
    this.hash = -1;
    if (items.length === 0 || items.length > JSON_CACHED_ATTRIBUTES_MAX) return undefined;
    let h = 0x811c9dc5 ^ items.length;
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as { key?: unknown; value?: unknown } | null;
      if (typeof item !== 'object' || item === null) return undefined;
      const name = item.key;
      const value = item.value as SimpleValue | null;
      if (typeof name !== 'string' || typeof value !== 'object' || value === null || !onlyStringOrInt(value)) return undefined;
      h = hashString(h, name);
      h = value.stringValue !== undefined ? hashString(h ^ 0x73, value.stringValue as string) : hashString(h ^ 0x69, value.intValue as string);
    }
    // 30 bits keep the key a small integer, which V8's Map hashes and stores without allocating.
    const hash = (h ^ (h >>> 15)) & 0x3fffffff;
    this.hash = hash;
    const cached = this.entries.get(hash);
    if (cached === undefined || !sameStrings(items, cached.strings)) return undefined;
    return cached.attributes;
  }

  /**
   * Takes the list decoded from `items` after a miss of `lookup` on them. On
   * the hash's second sighting it is frozen and stored (replacing a list
   * with the same hash); the list is returned either way, and is the
   * caller's own only when it was not stored.
   */
  store(items: readonly unknown[], attributes: KeyValue[]): readonly KeyValue[] {
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
    this.entries.set(hash, { attributes: frozen, strings: stringsOf(items as readonly SimpleItem[]) });
    return frozen;
  }
}

/** FNV-1a over the string's length and UTF-16 code units, from `h`. */
function hashString(h: number, s: string): number {
  h = Math.imul(h ^ s.length, 0x01000193);
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

interface Entry {
  attributes: readonly KeyValue[];
  /** Of each item the list was decoded from, in turn: its key, its kind (`s` or `i`) and the value's string. */
  strings: string[];
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

/** An item of the cached shape, once `lookup` has checked it. */
interface SimpleItem {
  key: string;
  value: { stringValue?: string; intValue?: string };
}

/** A value object whose one member is a string `stringValue` or a string `intValue` (null members are left to the general path). */
function onlyStringOrInt(value: SimpleValue): boolean {
  if (value.boolValue !== undefined || value.doubleValue !== undefined || value.arrayValue !== undefined) return false;
  if (value.kvlistValue !== undefined || value.bytesValue !== undefined) return false;
  if (typeof value.stringValue === 'string') return value.intValue === undefined;
  return value.stringValue === undefined && typeof value.intValue === 'string';
}

function stringsOf(items: readonly SimpleItem[]): string[] {
  const strings: string[] = [];
  for (const item of items) {
    const { stringValue, intValue } = item.value;
    if (stringValue !== undefined) strings.push(item.key, 's', stringValue);
    else strings.push(item.key, 'i', intValue!);
  }
  return strings;
}

/** Whether the items (of the cached shape) hold the strings of an entry: the same keys, kinds and values. */
function sameStrings(items: readonly unknown[], strings: readonly string[]): boolean {
  if (items.length * 3 !== strings.length) return false;
  for (let i = 0, j = 0; i < items.length; i++, j += 3) {
    const item = items[i] as SimpleItem;
    if (item.key !== strings[j]) return false;
    const { stringValue, intValue } = item.value;
    if (stringValue !== undefined ? strings[j + 1] !== 's' || stringValue !== strings[j + 2] : strings[j + 1] !== 'i' || intValue !== strings[j + 2]) return false;
  }
  return true;
}
