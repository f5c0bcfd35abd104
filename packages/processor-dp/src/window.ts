import type { SeriesDescriptor } from './series.js';

/** What bounds a window's memory. */
export interface WindowLimits {
  maxEntries: number;
  maxTokens: number;
  maxSeries: number;
}

/**
 * Raw per-token contributions of one tumbling window [startMillis, endMillis):
 * for each token, one entry per series it touched (see `kinds/intake-points.ts`
 * for what an entry holds per metric kind). Nothing here is released as is;
 * `releaseWindow` bounds, aggregates and noises it.
 */
export class WindowContributions {
  /** token → series id → the token's entry for the series in this window. */
  readonly byToken = new Map<string, Map<number, Float64Array>>();
  /** Every series touched in this window, by descriptor id. */
  readonly series = new Map<number, SeriesDescriptor>();
  /** (token, series) entries held, for the memory cap. */
  entries = 0;

  constructor(
    readonly startMillis: number,
    readonly endMillis: number,
  ) {}

  /** Whether a new token, series or entry would now be refused. */
  isFull(limits: WindowLimits): boolean {
    return this.entries >= limits.maxEntries || this.byToken.size >= limits.maxTokens || this.series.size >= limits.maxSeries;
  }

  /**
   * The token's entry for the series, created with `initial` values when new,
   * or undefined when a new token or entry would pass the limits.
   */
  entry(token: string, seriesId: number, initial: ArrayLike<number>, limits: WindowLimits): Float64Array | undefined {
    let entries = this.byToken.get(token);
    if (entries === undefined) {
      if (this.byToken.size >= limits.maxTokens) return undefined;
      entries = new Map();
      this.byToken.set(token, entries);
    }
    let entry = entries.get(seriesId);
    if (entry === undefined) {
      if (this.entries >= limits.maxEntries) return undefined;
      entry = Float64Array.from(initial);
      entries.set(seriesId, entry);
      this.entries++;
    }
    return entry;
  }
}

/** The window that contains `nowMillis`, aligned to multiples of `windowMillis`. */
export function windowContaining(nowMillis: number, windowMillis: number): WindowContributions {
  const start = Math.floor(nowMillis / windowMillis) * windowMillis;
  return new WindowContributions(start, start + windowMillis);
}
