/** What the tracker remembers of one (token, stream). */
interface StreamState {
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  values: Float64Array;
  lastSeenMillis: number;
}

export interface CumulativePoint {
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  /** The cumulative values: a sum's value, or a histogram's buckets then its sum. */
  values: Float64Array;
}

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
 * `maxStreams` streams are kept, and a point of a new stream past that is
 * dropped (it only sets no baseline) rather than evicting live state.
 */
export class CumulativeToDelta {
  private readonly streams = new Map<string, StreamState>();

  constructor(
    private readonly processStartUnixNano: bigint,
    private readonly staleAfterMillis: number,
    private readonly maxStreams: number = Number.MAX_SAFE_INTEGER,
  ) {}

  get size(): number {
    return this.streams.size;
  }

  /**
   * The delta this point contributes, or undefined when it contributes
   * nothing. The first `monotoneCount` values must not decrease within a
   * stream; later ones (a histogram's sum) may.
   */
  delta(streamKey: string, point: CumulativePoint, monotoneCount: number, nowMillis: number): Float64Array | undefined {
    const state = this.streams.get(streamKey);
    if (state === undefined) {
      if (this.streams.size >= this.maxStreams) return undefined;
      this.streams.set(streamKey, { ...point, values: Float64Array.from(point.values), lastSeenMillis: nowMillis });
      const startedWhileWatching =
        point.startTimeUnixNano > this.processStartUnixNano && point.startTimeUnixNano <= point.timeUnixNano;
      return startedWhileWatching ? point.values : undefined;
    }
    if (point.timeUnixNano <= state.timeUnixNano || point.startTimeUnixNano < state.startTimeUnixNano) {
      return undefined;
    }
    const restarted = point.startTimeUnixNano > state.startTimeUnixNano;
    const previous = state.values;
    const layoutChanged = previous.length !== point.values.length;
    let decreased = false;
    for (let i = 0; i < monotoneCount && !layoutChanged; i++) {
      if (point.values[i] < previous[i]) decreased = true;
    }
    state.startTimeUnixNano = point.startTimeUnixNano;
    state.timeUnixNano = point.timeUnixNano;
    state.values = Float64Array.from(point.values);
    state.lastSeenMillis = nowMillis;
    if (restarted) return point.values;
    if (layoutChanged || decreased) return undefined;
    const delta = new Float64Array(previous.length);
    for (let i = 0; i < delta.length; i++) delta[i] = point.values[i] - previous[i];
    return delta;
  }

  /** Forgets streams not seen since `nowMillis - staleAfterMillis`. */
  sweep(nowMillis: number): void {
    const cutoff = nowMillis - this.staleAfterMillis;
    for (const [key, state] of this.streams) {
      if (state.lastSeenMillis < cutoff) this.streams.delete(key);
    }
  }
}
