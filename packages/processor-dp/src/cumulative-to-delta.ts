/** What the tracker remembers of one (token, stream). */
interface StreamState {
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  value: number;
  lastSeenMillis: number;
}

export interface CumulativePoint {
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  value: number;
}

/**
 * Turns cumulative sums into deltas per (token, stream), the way the
 * collector's cumulativetodelta processor does with `initial_value: auto`:
 *
 * - the first point of a stream counts in full only when its start time is
 *   known, after this process started and before the point's time (the stream
 *   began while we were watching); otherwise it only sets the baseline;
 * - a new, later start time is a restart: the point's value is the delta;
 * - a monotonic value that goes down is a reset at an unknown time: the point
 *   becomes the baseline and counts nothing;
 * - points not newer than the last one (duplicates, out of order) and points
 *   with an older start time are dropped.
 *
 * State idle for longer than `staleAfterMillis` is forgotten.
 */
export class CumulativeToDelta {
  private readonly streams = new Map<string, StreamState>();

  constructor(
    private readonly processStartUnixNano: bigint,
    private readonly staleAfterMillis: number,
  ) {}

  get size(): number {
    return this.streams.size;
  }

  /** The delta this point contributes, or undefined when it contributes nothing. */
  delta(streamKey: string, point: CumulativePoint, isMonotonic: boolean, nowMillis: number): number | undefined {
    const state = this.streams.get(streamKey);
    if (state === undefined) {
      this.streams.set(streamKey, { ...point, lastSeenMillis: nowMillis });
      const startedWhileWatching =
        point.startTimeUnixNano > this.processStartUnixNano && point.startTimeUnixNano < point.timeUnixNano;
      return startedWhileWatching ? point.value : undefined;
    }
    if (point.timeUnixNano <= state.timeUnixNano || point.startTimeUnixNano < state.startTimeUnixNano) {
      return undefined;
    }
    const restarted = point.startTimeUnixNano > state.startTimeUnixNano;
    const previous = state.value;
    state.startTimeUnixNano = point.startTimeUnixNano;
    state.timeUnixNano = point.timeUnixNano;
    state.value = point.value;
    state.lastSeenMillis = nowMillis;
    if (restarted) return point.value;
    if (isMonotonic && point.value < previous) return undefined;
    return point.value - previous;
  }

  /** Forgets streams not seen since `nowMillis - staleAfterMillis`. */
  sweep(nowMillis: number): void {
    const cutoff = nowMillis - this.staleAfterMillis;
    for (const [key, state] of this.streams) {
      if (state.lastSeenMillis < cutoff) this.streams.delete(key);
    }
  }
}
