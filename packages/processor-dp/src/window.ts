import { PairIndex } from './pair-index.js';
import type { SeriesDescriptor } from './series.js';
import { grown } from './typed-arrays.js';
import { ValuePool } from './value-pool.js';

/** What bounds a window's memory. */
export interface WindowLimits {
  maxEntries: number;
  maxTokens: number;
  maxSeries: number;
  /** Most bytes the window's tokens, series and entries are counted at (see {@link WindowContributions.bytes}). */
  maxBytes: number;
}

const INITIAL_CAPACITY = 64;
/** Returned for a token, series or entry refused at a count limit. */
export const REFUSED = -1;
/** Returned for a token, series or entry refused because it would pass `maxBytes`. */
export const REFUSED_BYTES = -2;

/**
 * What the window is charged beyond an entry's values (8 bytes a number):
 * its pair in the index (two numbers and at most four hash slots), its offset
 * and its link, 4 bytes each.
 */
export const ENTRY_INDEX_BYTES = 32;
/** A token's map entry, its chain ends and its string's header, besides 2 bytes a character. */
export const TOKEN_BYTES = 96;
/** A series' map entry, its descriptor and the header of its key, besides 2 bytes a character of the key. */
export const SERIES_BYTES = 160;
/** Ends a token's chain of entries. */
const NONE = -1;

let windowsCreated = 0;

/**
 * Raw per-token contributions of one tumbling window [startMillis, endMillis):
 * for each token, one entry per series it touched (see each kind's file in `kinds/`
 * for what an entry holds per metric kind). Nothing here is released as is;
 * `releaseWindow` bounds, aggregates and noises it.
 *
 * Tokens and series get small numbers in the order the window first sees
 * them; an entry is one (token number, series number) pair of `pairs`, and
 * its values a record of `pool`. Each token's entries are chained in the
 * order they arrived, so a release can walk one token's series:
 *
 * ```
 *  entry                0     1     2     3    …
 *  pairs (token, series) (0,0) (0,1) (1,0) (0,2)
 *  entryOffset          [0]   [1]   [2]   [4]   → values in pool.values
 *  entryNext            [1]   [3]   [-1]  [-1]  → the token's next entry (−1: none)
 *  tokenFirst / tokenLast by token number: token 0 → 0 … 3, token 1 → 2 … 2
 * ```
 */
export class WindowContributions {
  /** Unique in the process: what remembers numbers of this window tags them with it. */
  readonly id = windowsCreated++;
  /** Every series touched in this window, by series number. */
  readonly series: SeriesDescriptor[] = [];
  /** Numbers of an entry's values, by series number: the width of the first entry of the series. */
  readonly seriesWidth: number[] = [];
  /** The values of every entry. */
  readonly pool = new ValuePool();
  private readonly tokenNumbers = new Map<string, number>();
  private readonly seriesNumbers = new Map<number, number>();
  private readonly pairs = new PairIndex();
  private entryOffset = new Int32Array(INITIAL_CAPACITY);
  private entryNext = new Int32Array(INITIAL_CAPACITY);
  private tokenFirst = new Int32Array(INITIAL_CAPACITY);
  private tokenLast = new Int32Array(INITIAL_CAPACITY);
  private heldBytes = 0;
  /** Set once something was refused at `maxBytes`: a window never fills to the byte, so this is when it is full. */
  private bytesExhausted = false;

  constructor(
    readonly startMillis: number,
    readonly endMillis: number,
  ) {}

  /** (token, series) entries held, for the memory cap. */
  get entries(): number {
    return this.pairs.size;
  }

  /** Distinct tokens held. */
  get tokens(): number {
    return this.tokenNumbers.size;
  }

  /**
   * What the window's tokens, series and entries are counted at: 8 bytes a
   * value (as many as its kind's entry holds, see `kinds/`), plus
   * {@link ENTRY_INDEX_BYTES} an entry, {@link TOKEN_BYTES} and
   * {@link SERIES_BYTES} plus 2 bytes a character for each token and series
   * key. The arrays grow by half again, so what they occupy is at most half
   * as much again, and twice that while one is copied into its larger size.
   */
  get bytes(): number {
    return this.heldBytes;
  }

  /** Whether a new token, series or entry would now be refused. */
  isFull(limits: WindowLimits): boolean {
    return (
      this.entries >= limits.maxEntries ||
      this.tokenNumbers.size >= limits.maxTokens ||
      this.series.length >= limits.maxSeries ||
      this.bytesExhausted ||
      this.heldBytes >= limits.maxBytes
    );
  }

  /** The window's number for the series, registering it when new, or {@link REFUSED} past the most series ({@link REFUSED_BYTES} past the most bytes). */
  seriesNumber(descriptor: SeriesDescriptor, limits: WindowLimits): number {
    const known = this.seriesNumbers.get(descriptor.id);
    if (known !== undefined) return known;
    if (this.series.length >= limits.maxSeries) return REFUSED;
    const cost = SERIES_BYTES + 2 * descriptor.key.length;
    if (this.heldBytes + cost > limits.maxBytes) return this.refuseForBytes();
    this.heldBytes += cost;
    const number = this.series.length;
    this.series.push(descriptor);
    this.seriesWidth.push(0);
    this.seriesNumbers.set(descriptor.id, number);
    return number;
  }

  /**
   * The offset in `pool.values` of the token's entry for the series, created
   * with `initial` values (or `initial` zeros) when new, or {@link REFUSED}
   * when a new token or entry would pass the limits. The entry holds
   * `seriesWidth[series]` numbers. Read `pool.values` after this call: a new
   * entry may have replaced it.
   */
  entry(token: string, series: number, initial: ArrayLike<number> | number, limits: WindowLimits): number {
    let tokenNumber = this.tokenNumbers.get(token);
    if (tokenNumber !== undefined) {
      const held = this.pairs.find(tokenNumber, series);
      if (held !== NONE) return this.entryOffset[held];
    } else if (this.tokenNumbers.size >= limits.maxTokens) return REFUSED;
    if (this.pairs.size >= limits.maxEntries) return REFUSED;
    const width = this.seriesWidth[series] || (typeof initial === 'number' ? initial : initial.length);
    const cost = ENTRY_INDEX_BYTES + 8 * width + (tokenNumber === undefined ? TOKEN_BYTES + 2 * token.length : 0);
    if (this.heldBytes + cost > limits.maxBytes) return this.refuseForBytes();
    this.heldBytes += cost;
    tokenNumber ??= this.addToken(token);
    return this.addEntry(tokenNumber, series, initial);
  }

  /** The entries of each token, token by token, each in the order it arrived. */
  *entriesByToken(): Generator<number[]> {
    for (let token = 0; token < this.tokenNumbers.size; token++) {
      const entries: number[] = [];
      for (let entry = this.tokenFirst[token]; entry !== NONE; entry = this.entryNext[entry]) entries.push(entry);
      yield entries;
    }
  }

  seriesOf(entry: number): number {
    return this.pairs.secondOf(entry);
  }

  offsetOf(entry: number): number {
    return this.entryOffset[entry];
  }

  private refuseForBytes(): number {
    this.bytesExhausted = true;
    return REFUSED_BYTES;
  }

  private addToken(token: string): number {
    const number = this.tokenNumbers.size;
    if (number === this.tokenFirst.length) {
      this.tokenFirst = grown(this.tokenFirst, number * 2);
      this.tokenLast = grown(this.tokenLast, number * 2);
    }
    this.tokenFirst[number] = NONE;
    this.tokenNumbers.set(token, number);
    return number;
  }

  private addEntry(token: number, series: number, initial: ArrayLike<number> | number): number {
    const entry = this.pairs.add(token, series);
    if (entry === this.entryOffset.length) {
      this.entryOffset = grown(this.entryOffset, Math.ceil(entry * 1.5));
      this.entryNext = grown(this.entryNext, Math.ceil(entry * 1.5));
    }
    let width = this.seriesWidth[series];
    if (width === 0) width = this.seriesWidth[series] = typeof initial === 'number' ? initial : initial.length;
    const offset = this.pool.allocate(width);
    if (typeof initial !== 'number') {
      const { values } = this.pool;
      for (let i = 0; i < width && i < initial.length; i++) values[offset + i] = initial[i];
    }
    this.entryOffset[entry] = offset;
    this.entryNext[entry] = NONE;
    if (this.tokenFirst[token] === NONE) this.tokenFirst[token] = entry;
    else this.entryNext[this.tokenLast[token]] = entry;
    this.tokenLast[token] = entry;
    return offset;
  }
}

/** The window that contains `nowMillis`, aligned to multiples of `windowMillis`. */
export function windowContaining(nowMillis: number, windowMillis: number): WindowContributions {
  const start = Math.floor(nowMillis / windowMillis) * windowMillis;
  return new WindowContributions(start, start + windowMillis);
}
