import { PairIndex } from './pair-index.js';
import type { SeriesDescriptor } from './series.js';
import { grown } from './typed-arrays.js';
import { ValuePool } from './value-pool.js';

/** What bounds a window's memory. */
export interface WindowLimits {
  maxEntries: number;
  maxTokens: number;
  maxSeries: number;
  /** Bytes the window's own state may hold: its values, indexes and token keys (see {@link WindowContributions.heldBytes}). */
  maxBytes: number;
}

/**
 * What a token's key costs in its map besides its characters (two bytes
 * each, counted apart): the entry, the string's header and the map's slack,
 * measured on Node 20 (about 70 bytes) and rounded up.
 */
const TOKEN_KEY_BYTES = 96;

const INITIAL_CAPACITY = 64;
/** Returned for a refused token, series or entry. */
export const REFUSED = -1;
/** Ends a token's chain of entries. */
const NONE = -1;

let windowsCreated = 0;

/**
 * Raw per-token contributions of one tumbling window [startMillis, endMillis):
 * for each token, one entry per series it touched (see `kinds/point-values.ts`
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
  private tokenKeyBytes = 0;
  private readonly seriesNumbers = new Map<number, number>();
  private readonly pairs = new PairIndex();
  private entryOffset = new Int32Array(INITIAL_CAPACITY);
  private entryNext = new Int32Array(INITIAL_CAPACITY);
  private tokenFirst = new Int32Array(INITIAL_CAPACITY);
  private tokenLast = new Int32Array(INITIAL_CAPACITY);

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

  /** Whether a new token, series or entry would now be refused. */
  isFull(limits: WindowLimits): boolean {
    return (
      this.entries >= limits.maxEntries ||
      this.tokenNumbers.size >= limits.maxTokens ||
      this.series.length >= limits.maxSeries ||
      this.heldBytes >= limits.maxBytes
    );
  }

  /**
   * Bytes the window holds for its entries: the value pool and the index
   * arrays at their capacity (spare room included, so growth is counted
   * when it happens, not when it is used), and the token keys. Series
   * descriptors are shared with the series directory, bounded there.
   */
  get heldBytes(): number {
    return this.pool.values.byteLength + this.indexBytes() + this.tokenKeyBytes;
  }

  private indexBytes(): number {
    return this.pairs.byteLength + this.entryOffset.byteLength + this.entryNext.byteLength + this.tokenFirst.byteLength + this.tokenLast.byteLength;
  }

  /** The window's number for the series, registering it when new, or {@link REFUSED} past the most series. */
  seriesNumber(descriptor: SeriesDescriptor, limits: WindowLimits): number {
    const known = this.seriesNumbers.get(descriptor.id);
    if (known !== undefined) return known;
    if (this.series.length >= limits.maxSeries) return REFUSED;
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
    if (tokenNumber === undefined) {
      if (this.tokenNumbers.size >= limits.maxTokens) return REFUSED;
      if (this.heldBytes + keyBytes(token) > limits.maxBytes) return REFUSED;
      tokenNumber = this.addToken(token);
    } else {
      const held = this.pairs.find(tokenNumber, series);
      if (held !== NONE) return this.entryOffset[held];
    }
    if (this.pairs.size >= limits.maxEntries) return REFUSED;
    return this.addEntry(tokenNumber, series, initial, limits.maxBytes);
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

  private addToken(token: string): number {
    this.tokenKeyBytes += keyBytes(token);
    const number = this.tokenNumbers.size;
    if (number === this.tokenFirst.length) {
      this.tokenFirst = grown(this.tokenFirst, number * 2);
      this.tokenLast = grown(this.tokenLast, number * 2);
    }
    this.tokenFirst[number] = NONE;
    this.tokenNumbers.set(token, number);
    return number;
  }

  private addEntry(token: number, series: number, initial: ArrayLike<number> | number, maxBytes: number): number {
    const width = this.seriesWidth[series] || (typeof initial === 'number' ? initial : initial.length);
    // The index arrays may grow by half with this entry: keep room for that beside the values.
    const room = maxBytes - this.tokenKeyBytes - 1.5 * this.indexBytes();
    const offset = this.pool.allocate(width, Math.floor(room / Float64Array.BYTES_PER_ELEMENT));
    if (offset === REFUSED) return REFUSED;
    this.seriesWidth[series] = width;
    const entry = this.pairs.add(token, series);
    if (entry === this.entryOffset.length) {
      this.entryOffset = grown(this.entryOffset, Math.ceil(entry * 1.5));
      this.entryNext = grown(this.entryNext, Math.ceil(entry * 1.5));
    }
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

function keyBytes(token: string): number {
  return TOKEN_KEY_BYTES + 2 * token.length;
}

/** The window that contains `nowMillis`, aligned to multiples of `windowMillis`. */
export function windowContaining(nowMillis: number, windowMillis: number): WindowContributions {
  const start = Math.floor(nowMillis / windowMillis) * windowMillis;
  return new WindowContributions(start, start + windowMillis);
}
