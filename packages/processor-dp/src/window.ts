import type { SeriesDescriptor } from './series.js';

/**
 * Raw per-token contributions of one tumbling window [startMillis, endMillis):
 * for each token, one entry per series it touched (see `kinds/intake-points.ts`
 * for what an entry holds per metric kind). Nothing here is released as is;
 * `releaseWindow` bounds, aggregates and noises it.
 */
export class WindowContributions {
  /** token → series key → the token's entry for the series in this window. */
  readonly byToken = new Map<string, Map<string, Float64Array>>();
  /** Every series touched in this window, by key. */
  readonly series = new Map<string, SeriesDescriptor>();
  /** (token, series) entries held, for the memory cap. */
  entries = 0;

  constructor(
    readonly startMillis: number,
    readonly endMillis: number,
  ) {}

  /** The token's entry for the series, created with `initial` values when new. */
  entry(token: string, seriesKey: string, initial: ArrayLike<number>): Float64Array {
    let entries = this.byToken.get(token);
    if (entries === undefined) {
      entries = new Map();
      this.byToken.set(token, entries);
    }
    let entry = entries.get(seriesKey);
    if (entry === undefined) {
      entry = Float64Array.from(initial);
      entries.set(seriesKey, entry);
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
