import { addTotalsInto, EMPTY_TOTALS, type SpendTotals } from './composition.js';
import { LEDGER_SLOTS_PER_HORIZON } from './config.js';

/** Spends merged into one slot, stamped with the latest spend's time. */
export interface LedgerEntry {
  /** Milliseconds since the Unix epoch. */
  atMillis: number;
  totals: SpendTotals;
}

/**
 * The spends of the last horizon, oldest first.
 *
 * Time: a spend is in the horizon ending at T when T − horizon < atMillis,
 * so it drops out exactly `horizonMillis` after it was made. Ledger time
 * never runs backwards: a spend stamped earlier than the newest entry (a
 * clock stepped back, a restart on a late clock) is booked at the newest
 * entry's time, which only keeps it in the horizon longer. Hence entries are
 * sorted and every interval of horizon length holding spends lies within
 * the horizon that was checked when its newest spend was booked.
 *
 * Size: spends in one slot of horizon/{@link LEDGER_SLOTS_PER_HORIZON} merge,
 * and entries older than the horizon are dropped, so at most
 * LEDGER_SLOTS_PER_HORIZON + 1 entries remain.
 *
 * Memory: `forgottenUntil` is the time of the latest entry ever dropped; the
 * ledger holds every spend after it. A horizon reaching back to or before it
 * (after a restart with a longer horizon) is incomplete: see
 * {@link coversHorizonAt}.
 */
export class SlidingLedger {
  readonly horizonMillis: number;
  private readonly slotMillis: number;
  private readonly entries: LedgerEntry[];
  private forgotten: number | undefined;

  /** `entries` must be sorted by time (the file reader checks it); they are copied. */
  constructor(horizonMillis: number, entries: readonly LedgerEntry[] = [], forgottenUntil?: number) {
    this.horizonMillis = horizonMillis;
    this.slotMillis = horizonMillis / LEDGER_SLOTS_PER_HORIZON;
    this.entries = entries.map(({ atMillis, totals }) => ({ atMillis, totals: { ...totals } }));
    this.forgotten = forgottenUntil;
    this.dropExpired();
  }

  /** Time of the latest entry ever dropped; undefined while none was. */
  get forgottenUntil(): number | undefined {
    return this.forgotten;
  }

  /**
   * Does the ledger hold every spend of the horizon ending at `time`? Always,
   * unless the horizon was lengthened: then not until the first horizon
   * ending at or after forgottenUntil + horizonMillis.
   */
  coversHorizonAt(time: number): boolean {
    return this.forgotten === undefined || time - this.horizonMillis >= this.forgotten;
  }

  /** The ledger time a spend or a status at `atMillis` is taken at. */
  timeAt(atMillis: number): number {
    const newest = this.entries.at(-1);
    return newest === undefined || atMillis > newest.atMillis ? atMillis : newest.atMillis;
  }

  /** Entries in the horizon ending at ledger time `time`, oldest first. */
  inHorizon(time: number): readonly LedgerEntry[] {
    const start = time - this.horizonMillis;
    let first = 0;
    while (first < this.entries.length && this.entries[first].atMillis <= start) first++;
    return first === 0 ? this.entries : this.entries.slice(first);
  }

  /** Sum of the entries in the horizon ending at ledger time `time`. */
  totalsAt(time: number): SpendTotals {
    return sumTotals(this.inHorizon(time));
  }

  /** Books a spend at ledger time `time` (from {@link timeAt}). */
  add(totals: Readonly<SpendTotals>, time: number): void {
    const newest = this.entries.at(-1);
    if (newest !== undefined && this.slotOf(newest.atMillis) === this.slotOf(time)) {
      addTotalsInto(newest.totals, totals);
      newest.atMillis = time;
    } else {
      this.entries.push({ atMillis: time, totals: { ...totals } });
    }
    this.dropExpired();
  }

  /**
   * The earliest ledger time, not before `time`, at which `extra` added to
   * the horizon satisfies `fits`: waiting only ever removes the oldest
   * entries. Undefined when `extra` does not fit even in an empty horizon.
   */
  earliestFit(extra: Readonly<SpendTotals>, time: number, fits: (totals: SpendTotals) => boolean): number | undefined {
    const live = this.inHorizon(time);
    const covered = this.forgotten === undefined ? time : Math.max(time, this.forgotten + this.horizonMillis);
    for (let dropped = 0; dropped <= live.length; dropped++) {
      const totals = sumTotals(live.slice(dropped));
      addTotalsInto(totals, extra);
      if (fits(totals)) return Math.max(covered, dropped === 0 ? time : live[dropped - 1].atMillis + this.horizonMillis);
    }
    return undefined;
  }

  /** The entries, oldest first, for persisting. */
  snapshot(): readonly LedgerEntry[] {
    return this.entries;
  }

  private slotOf(atMillis: number): number {
    return Math.floor(atMillis / this.slotMillis);
  }

  private dropExpired(): void {
    const newest = this.entries.at(-1);
    if (newest === undefined) return;
    const start = newest.atMillis - this.horizonMillis;
    let expired = 0;
    while (this.entries[expired].atMillis <= start) expired++;
    if (expired === 0) return;
    const lastDropped = this.entries[expired - 1].atMillis;
    this.forgotten = this.forgotten === undefined ? lastDropped : Math.max(this.forgotten, lastDropped);
    this.entries.splice(0, expired);
  }
}

function sumTotals(entries: readonly LedgerEntry[]): SpendTotals {
  const totals = { ...EMPTY_TOTALS };
  for (const entry of entries) addTotalsInto(totals, entry.totals);
  return totals;
}
