import type { AnyValue, KeyValue } from './types.js';

/** Encoded attribute lists up to this many bytes go through the cache. */
export const CACHED_ATTRIBUTES_MAX_BYTES = 384;
/**
 * Lists the cache holds before it starts afresh. At the largest span and a
 * few hundred bytes of objects per list this bounds it near 25 MB; typical
 * lists of four attributes take about a fifth of that.
 */
const MAX_ENTRIES = 32_768;

interface Entry {
  bytes: Uint8Array;
  attributes: readonly KeyValue[];
}

/**
 * A cache from the encoded attributes of a data point (the run of its
 * repeated attributes fields, tags included) to their decoded list. A
 * service repeats the same attribute sets, token included, in every export,
 * so a hit costs one hash and one compare over the bytes and allocates
 * nothing.
 *
 * What it returns is deeply frozen and shared by every point with the same
 * bytes, across requests: no consumer may change a decoded attribute list in
 * place, and the freeze makes an attempt throw rather than corrupt other
 * points. Sharing also lets consumers key work on a list's identity.
 *
 * One entry per hash: a colliding list replaces the entry, so crafted input
 * can cause misses but never more work than a miss. When full the cache
 * starts afresh. Like the string cache, it keeps recent attribute values
 * (tokens among them) in memory only.
 */
export class AttributeCache {
  private readonly entries = new Map<number, Entry>();
  private hash = 0;

  /** The cached list for buf[start, end), or undefined on a miss. */
  lookup(buf: Uint8Array, start: number, end: number): readonly KeyValue[] | undefined {
    // 30 bits keep the key a small integer, which V8's Map hashes and stores without allocating.
    const hash = hashBytes(buf, start, end) & 0x3fffffff;
    this.hash = hash;
    const entry = this.entries.get(hash);
    if (entry === undefined) return undefined;
    const bytes = entry.bytes;
    if (bytes.length !== end - start) return undefined;
    for (let i = start, j = 0; i < end; i++, j++) {
      if (bytes[j] !== buf[i]) return undefined;
    }
    return entry.attributes;
  }

  /** Freezes and stores the list decoded after a miss of `lookup` on the same bytes; returns it frozen. */
  store(buf: Uint8Array, start: number, end: number, attributes: KeyValue[]): readonly KeyValue[] {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    for (const attribute of attributes) {
      freezeValue(attribute.value);
      Object.freeze(attribute);
    }
    const frozen = Object.freeze(attributes);
    this.entries.set(this.hash, { bytes: buf.slice(start, end), attributes: frozen });
    return frozen;
  }
}

function freezeValue(value: AnyValue): void {
  if (value.arrayValue !== undefined) {
    for (const item of value.arrayValue.values) freezeValue(item);
    Object.freeze(value.arrayValue.values);
    Object.freeze(value.arrayValue);
  }
  if (value.kvlistValue !== undefined) {
    for (const attribute of value.kvlistValue.values) {
      freezeValue(attribute.value);
      Object.freeze(attribute);
    }
    Object.freeze(value.kvlistValue.values);
    Object.freeze(value.kvlistValue);
  }
  // A bytes value's Uint8Array cannot be frozen; only its holder is.
  Object.freeze(value);
}

/**
 * A 32-bit hash of buf[start, end), four bytes a step: the multiply chain is
 * what bounds the speed, so reading words makes it about four times shorter
 * than a byte-wise FNV. Murmur3's finalizer spreads the result.
 */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x9747b28c ^ (end - start);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const word = buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24);
    h = Math.imul(h ^ Math.imul(word, 0xcc9e2d51), 0x1b873593);
    h ^= h >>> 15;
  }
  for (; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
