import type { AnyValue, KeyValue } from './types.js';

/** Encoded attribute lists up to this many bytes go through the cache. */
export const CACHED_ATTRIBUTES_MAX_BYTES = 384;
/**
 * Lists the cache holds before it starts afresh. At the largest span and a
 * few hundred bytes of objects per list this bounds it near 25 MB; typical
 * lists of four attributes take about a fifth of that.
 */
const MAX_ENTRIES = 32_768;
/** Bits of the filter of lists seen once; a power of two (128 KiB). */
const DOORKEEPER_BITS = 1 << 20;
/**
 * Lists the filter marks before it starts afresh: at most an eighth of its
 * bits are set, so an unseen list passes for a seen one (and is stored at its
 * first sighting) less than 1.6% of the time. The mark count is twice the
 * cache's size, so a recurring population the cache can hold is stored by
 * its third sighting even when a restart falls between two of them.
 */
const DOORKEEPER_MARKS = 1 << 16;
/** Words of the slabs that hold the stored bytes (64 KiB each). */
const SLAB_WORDS = 16_384;

interface Entry {
  /** The encoded bytes, four to a word (little-endian) from `slab[offset]`, the last word padded with zeros. */
  slab: Int32Array;
  offset: number;
  length: number;
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
 * A list is stored on its second sighting only: a filter of the hashes of
 * lists seen once (a doorkeeper, two bits a list) keeps lists that never come
 * back, as from a population of tokens far larger than the cache, out of it.
 * Storing them would only churn: every entry outlives the young generation
 * and dies in the old one. Measured on the bench's payloads with 100,000
 * tokens (every lookup a miss): 214k points/s decoded without a doorkeeper,
 * against 727k before the cache existed. The filter is a bit set rather than
 * a table of hashes so that two lists sharing a slot cannot evict each other
 * forever: with a table of 65,536 hashes, a quarter of the bench's 20,000
 * recurring lists were never stored.
 *
 * One entry per hash: a colliding list replaces the entry, so crafted input
 * can cause misses but never more work than a miss. When full the cache
 * starts afresh. Like the string cache, it keeps recent attribute values
 * (tokens among them) in memory only.
 */
export class AttributeCache {
  private readonly entries = new Map<number, Entry>();
  private readonly seenOnce = new Int32Array(DOORKEEPER_BITS / 32);
  private marks = 0;
  private hash = 0;

  /**
   * Stored bytes go into shared slabs, so that entries hold no array buffer
   * of their own; a slab lives as long as an entry in it.
   */
  private slab = new Int32Array(SLAB_WORDS);
  private slabUsed = 0;

  /** The cached list for the bytes [start, end) under `view`, or undefined on a miss. */
  lookup(view: DataView, start: number, end: number): readonly KeyValue[] | undefined {
    // 30 bits keep the key a small integer, which V8's Map hashes and stores without allocating.
    const hash = hashBytes(view, start, end) & 0x3fffffff;
    this.hash = hash;
    const entry = this.entries.get(hash);
    if (entry === undefined) return undefined;
    // Compared a word at a time in JavaScript: faster than Buffer#compare's native call at these lengths.
    if (entry.length !== end - start || !sameWords(view, start, end, entry.slab, entry.offset)) return undefined;
    return entry.attributes;
  }

  /**
   * Takes the list decoded after a miss of `lookup` on the same bytes. On the
   * bytes' second sighting it is frozen and stored; the list is returned
   * either way, and is the caller's own only when it was not stored.
   */
  store(buf: Uint8Array, start: number, end: number, attributes: KeyValue[]): readonly KeyValue[] {
    if (!this.seenBefore(this.hash)) return attributes;
    if (this.entries.size >= MAX_ENTRIES) {
      this.entries.clear();
      this.slabUsed = SLAB_WORDS;
    }
    for (const attribute of attributes) {
      freezeValue(attribute.value);
      Object.freeze(attribute);
    }
    const frozen = Object.freeze(attributes);
    const words = (end - start + 3) >>> 2;
    if (this.slabUsed + words > SLAB_WORDS) {
      this.slab = new Int32Array(SLAB_WORDS);
      this.slabUsed = 0;
    }
    const offset = this.slabUsed;
    this.slabUsed += words;
    new Uint8Array(this.slab.buffer, offset * 4, end - start).set(buf.subarray(start, end));
    this.entries.set(this.hash, { slab: this.slab, offset, length: end - start, attributes: frozen });
    return frozen;
  }

  /** Whether the filter has both bits of `hash` set; if not, sets them. */
  private seenBefore(hash: number): boolean {
    // Two 20-bit indexes from the 30-bit key, overlapping in ten bits.
    const first = hash & (DOORKEEPER_BITS - 1);
    const second = (hash >>> 10) & (DOORKEEPER_BITS - 1);
    const words = this.seenOnce;
    const firstBit = 1 << (first & 31);
    const secondBit = 1 << (second & 31);
    if ((words[first >>> 5] & firstBit) !== 0 && (words[second >>> 5] & secondBit) !== 0) return true;
    if (this.marks === DOORKEEPER_MARKS) {
      words.fill(0);
      this.marks = 0;
    }
    words[first >>> 5] |= firstBit;
    words[second >>> 5] |= secondBit;
    this.marks++;
    return false;
  }
}

/** Whether the bytes [start, end) under `view` are those held from `words[w]` on. */
function sameWords(view: DataView, start: number, end: number, words: Int32Array, w: number): boolean {
  let i = start;
  for (; i + 4 <= end; i += 4) if (view.getInt32(i, true) !== words[w++]) return false;
  if (i === end) return true;
  let tail = 0;
  for (let shift = 0; i < end; i++, shift += 8) tail |= view.getUint8(i) << shift;
  return tail === words[w];
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
 * A 32-bit hash of the bytes [start, end) under `view`. The multiply chain
 * bounds the speed, so four independent lanes of 32-bit words each run a
 * quarter of it: about 2.5 times faster than one lane of words assembled
 * from bytes. Murmur3's finalizer spreads the result.
 */
export function hashBytes(view: DataView, start: number, end: number): number {
  let a = 0x9747b28c ^ (end - start);
  let b = 0x85ebca6b;
  let c = 0xc2b2ae35;
  let d = 0x27d4eb2f;
  let i = start;
  for (; i + 16 <= end; i += 16) {
    a = Math.imul(a ^ view.getInt32(i, true), 0xcc9e2d51);
    b = Math.imul(b ^ view.getInt32(i + 4, true), 0x1b873593);
    c = Math.imul(c ^ view.getInt32(i + 8, true), 0x85ebca6b);
    d = Math.imul(d ^ view.getInt32(i + 12, true), 0xc2b2ae35);
    a ^= a >>> 15;
    b ^= b >>> 13;
    c ^= c >>> 16;
    d ^= d >>> 15;
  }
  for (; i + 4 <= end; i += 4) {
    a = Math.imul(a ^ view.getInt32(i, true), 0x9e3779b1);
    a ^= a >>> 15;
  }
  for (; i < end; i++) b = Math.imul(b ^ view.getUint8(i), 0x01000193);
  let h = a ^ Math.imul(b, 0x01000193) ^ Math.imul(c, 0x9e3779b1) ^ Math.imul(d, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
