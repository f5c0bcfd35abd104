import { grown } from './typed-arrays.js';

/** Dense arrays grow by half again, so the unused tail stays under a third of what they hold. */
const GROWTH = 1.5;
const INITIAL_CAPACITY = 64;
/** The slot table is at most half full, so a probe ends after about two slots. */
const MAX_LOAD = 0.5;

/**
 * Numbers the distinct pairs (a, b) of small non-negative integers in the
 * order they are first added, 0, 1, 2…, with a lookup from pair to number.
 * One object holds every pair, where a Map per `a` or a key string per pair
 * would cost an object or a string each:
 *
 * ```
 *  pair number  0     1     2     3   …  size − 1 | spare capacity
 *  first       [a0]  [a1]  [a2]  [a3] …           |
 *  second      [b0]  [b1]  [b2]  [b3] …           |
 *
 *  slots (power of two, ≤ half full): pair number + 1, 0 = empty,
 *  linear probing from hash(a, b):   [0][3][1][0][0][4][2][0] …
 * ```
 *
 * Pairs are never removed; a user that forgets pairs builds a new index.
 */
export class PairIndex {
  private first: Int32Array;
  private second: Int32Array;
  private slots: Int32Array;
  private mask: number;
  /** Pairs held. */
  size = 0;

  constructor(expected = INITIAL_CAPACITY) {
    const capacity = Math.max(INITIAL_CAPACITY, expected);
    this.first = new Int32Array(capacity);
    this.second = new Int32Array(capacity);
    this.slots = new Int32Array(slotCountFor(capacity));
    this.mask = this.slots.length - 1;
  }

  /** The number of the pair, or −1 when it was never added. */
  find(a: number, b: number): number {
    const { slots, mask, first, second } = this;
    for (let slot = hash(a, b) & mask; ; slot = (slot + 1) & mask) {
      const held = slots[slot];
      if (held === 0) return -1;
      if (first[held - 1] === a && second[held - 1] === b) return held - 1;
    }
  }

  /** Adds a pair that {@link find} does not know, and returns its number. */
  add(a: number, b: number): number {
    const pair = this.size;
    if (pair === this.first.length) this.grow();
    this.first[pair] = a;
    this.second[pair] = b;
    this.size++;
    if (this.size > this.slots.length * MAX_LOAD) this.rehash(this.slots.length * 2);
    else this.place(pair);
    return pair;
  }

  firstOf(pair: number): number {
    return this.first[pair];
  }

  secondOf(pair: number): number {
    return this.second[pair];
  }

  private place(pair: number): void {
    const { slots, mask } = this;
    let slot = hash(this.first[pair], this.second[pair]) & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = pair + 1;
  }

  private grow(): void {
    const capacity = Math.ceil(this.first.length * GROWTH);
    this.first = grown(this.first, capacity);
    this.second = grown(this.second, capacity);
  }

  private rehash(slotCount: number): void {
    this.slots = new Int32Array(slotCount);
    this.mask = slotCount - 1;
    for (let pair = 0; pair < this.size; pair++) this.place(pair);
  }
}

function slotCountFor(pairs: number): number {
  let count = 16;
  while (count * MAX_LOAD < pairs) count *= 2;
  return count;
}

/** Mixes both numbers so that pairs sharing `a` (one token's series) spread over the table. */
function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return h ^ (h >>> 13);
}
