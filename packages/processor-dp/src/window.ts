import type { SeriesDescriptor } from './series.js';

/**
 * Raw per-token contributions of one tumbling window [startMillis, endMillis):
 * for each token, its running total per series. Nothing here is released
 * as is; {@link releaseWindow} bounds, aggregates and noises it.
 */
export class WindowContributions {
  /** token → series key → the token's total for the series in this window. */
  readonly byToken = new Map<string, Map<string, number>>();
  /** Every series touched in this window, by key. */
  readonly series = new Map<string, SeriesDescriptor>();

  constructor(
    readonly startMillis: number,
    readonly endMillis: number,
  ) {}

  add(token: string, seriesKey: string, amount: number): void {
    let totals = this.byToken.get(token);
    if (totals === undefined) {
      totals = new Map();
      this.byToken.set(token, totals);
    }
    totals.set(seriesKey, (totals.get(seriesKey) ?? 0) + amount);
  }
}

/** The window that contains `nowMillis`, aligned to multiples of `windowMillis`. */
export function windowContaining(nowMillis: number, windowMillis: number): WindowContributions {
  const start = Math.floor(nowMillis / windowMillis) * windowMillis;
  return new WindowContributions(start, start + windowMillis);
}
