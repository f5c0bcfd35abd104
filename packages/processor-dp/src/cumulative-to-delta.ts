import { PairIndex } from './pair-index.js';
import { StreamTable, type PointTimes } from './stream-table.js';

/**
 * Turns cumulative points into deltas per (token, stream), the way the
 * collector's cumulativetodelta processor does with `initial_value: auto`:
 *
 * - the first point of a stream counts in full only when its start time is
 *   after this process started and not after the point's time (the stream
 *   began while we were watching); otherwise it only sets the baseline. Unlike
 *   the collector, start == time counts: the OTel JS SDK stamps both in whole
 *   milliseconds, so a stream first recorded in the millisecond of a
 *   collection arrives that way with its first measurements in it;
 * - a new, later start time is a restart: the point's values are the delta;
 * - a monotone component that goes down (a counter, a bucket) is a reset at an
 *   unknown time: the point becomes the baseline and counts nothing;
 * - points not newer than the last one (duplicates, out of order) and points
 *   with an older start time are dropped.
 *
 * State idle for longer than `staleAfterMillis` is forgotten; at most
 * `maxStreams` streams, counted at `maxBytes` bytes, are kept, and a point of
 * a new stream past either is dropped and counted in {@link refusedPoints}
 * (it sets no baseline) rather than evicting live state. A stream is counted
 * at 8 bytes a value plus {@link STREAM_BYTES}, a token or series key at
 * {@link NAME_BYTES} plus 2 bytes a character.
 *
 * A stream is the pair (token number, series number), numbers given here to
 * token values and series keys (series keys outlive the series directory's
 * descriptors, which are renumbered between windows).
 */
/** A stream's times, offset, width and pair in the index, besides its values. */
export const STREAM_BYTES = 56;
/** A token's or series key's map entry and string header, besides 2 bytes a character. */
export const NAME_BYTES = 96;

export class CumulativeToDelta {
  /** Points of new streams refused because the streams kept would pass `maxStreams` or `maxBytes`. */
  refusedPoints = 0;
  private heldBytes = 0;
  private tokenNumbers = new Map<string, number>();
  private seriesNumbers = new Map<string, number>();
  private pairs = new PairIndex();
  private table = new StreamTable();
  private renumberings = 0;

  constructor(
    private readonly processStartUnixNano: bigint,
    private readonly staleAfterMillis: number,
    private readonly maxStreams: number = Number.MAX_SAFE_INTEGER,
    private readonly maxBytes: number = Number.MAX_SAFE_INTEGER,
  ) {}

  /** What the streams kept are counted at (see the class comment). */
  get bytes(): number {
    return this.heldBytes;
  }

  get size(): number {
    return this.pairs.size;
  }

  /** Changes whenever streams are renumbered; a stream number found in one epoch holds for all of it. */
  get epoch(): number {
    return this.renumberings;
  }

  /**
   * Whether a point with these cumulative `values` (a sum's value, or a
   * histogram's buckets then its sum) contributes: then `values` has been
   * overwritten with its delta. The first `monotoneCount` values must not
   * decrease within a stream; later ones (a histogram's sum) may. A caller
   * that remembers what {@link find} gave for the token and series key in
   * this epoch passes it as `stream`.
   */
  delta(
    token: string,
    seriesKey: string,
    point: PointTimes,
    values: Float64Array,
    monotoneCount: number,
    nowMillis: number,
    stream: number = this.find(token, seriesKey),
  ): boolean {
    const { startTimeUnixNano, timeUnixNano } = point;
    const { table } = this;
    if (stream === -1) {
      const cost = this.newStreamBytes(token, seriesKey, values.length);
      if (this.pairs.size >= this.maxStreams || this.heldBytes + cost > this.maxBytes) {
        this.refusedPoints++;
        return false;
      }
      this.heldBytes += cost;
      table.add(this.pairs.add(this.number(this.tokenNumbers, token), this.number(this.seriesNumbers, seriesKey)), point, values, nowMillis);
      return startTimeUnixNano > this.processStartUnixNano && startTimeUnixNano <= timeUnixNano;
    }
    const startedAt = table.start[stream];
    if (timeUnixNano <= table.time[stream] || startTimeUnixNano < startedAt) return false;
    const restarted = startTimeUnixNano > startedAt;
    const width = table.width[stream];
    const layoutChanged = width !== values.length;
    const offset = table.offset[stream];
    const previous = table.pool.values;
    let decreased = false;
    for (let i = 0; i < monotoneCount && !layoutChanged; i++) {
      if (values[i] < previous[offset + i]) decreased = true;
    }
    // The new baseline goes in while the delta is written, then the rest of the record.
    const counts = !restarted && !layoutChanged && !decreased;
    if (counts) {
      for (let i = 0; i < width; i++) {
        const value = values[i];
        values[i] = value - previous[offset + i];
        previous[offset + i] = value;
      }
      table.time[stream] = timeUnixNano;
      table.lastSeenMillis[stream] = nowMillis;
      return true;
    }
    // A record of a new width is added to the pool, the old one left until the next sweep.
    if (layoutChanged) this.heldBytes += 8 * values.length;
    table.update(stream, point, values, nowMillis);
    return restarted;
  }

  private newStreamBytes(token: string, seriesKey: string, width: number): number {
    let cost = STREAM_BYTES + 8 * width;
    if (!this.tokenNumbers.has(token)) cost += NAME_BYTES + 2 * token.length;
    if (!this.seriesNumbers.has(seriesKey)) cost += NAME_BYTES + 2 * seriesKey.length;
    return cost;
  }

  /** Forgets streams not seen since `nowMillis - staleAfterMillis`, and the numbers only they used. */
  sweep(nowMillis: number): void {
    const cutoff = nowMillis - this.staleAfterMillis;
    if (!this.table.anySeenBefore(cutoff, this.pairs.size)) return;
    const tokenNames = namesByNumber(this.tokenNumbers);
    const seriesNames = namesByNumber(this.seriesNumbers);
    const old = { pairs: this.pairs, table: this.table };
    this.tokenNumbers = new Map();
    this.seriesNumbers = new Map();
    this.pairs = new PairIndex();
    this.table = new StreamTable();
    this.heldBytes = 0;
    this.renumberings++;
    for (let stream = 0; stream < old.pairs.size; stream++) {
      if (old.table.lastSeenMillis[stream] < cutoff) continue;
      const tokenName = tokenNames[old.pairs.firstOf(stream)];
      const seriesName = seriesNames[old.pairs.secondOf(stream)];
      this.heldBytes += this.newStreamBytes(tokenName, seriesName, old.table.width[stream]);
      const token = this.number(this.tokenNumbers, tokenName);
      const series = this.number(this.seriesNumbers, seriesName);
      this.table.copyFrom(old.table, stream, this.pairs.add(token, series));
    }
  }

  /** The stream number of (token, series key), or −1 when it has none. */
  find(token: string, seriesKey: string): number {
    const tokenNumber = this.tokenNumbers.get(token);
    if (tokenNumber === undefined) return -1;
    const seriesNumber = this.seriesNumbers.get(seriesKey);
    return seriesNumber === undefined ? -1 : this.pairs.find(tokenNumber, seriesNumber);
  }

  private number(numbers: Map<string, number>, name: string): number {
    let number = numbers.get(name);
    if (number === undefined) {
      number = numbers.size;
      numbers.set(name, number);
    }
    return number;
  }
}

function namesByNumber(numbers: Map<string, number>): string[] {
  const names = new Array<string>(numbers.size);
  for (const [name, number] of numbers) names[number] = name;
  return names;
}
