import { grown } from './typed-arrays.js';
import { ValuePool } from './value-pool.js';

const INITIAL_CAPACITY = 64;
/** Grows by half again, so the unused tail stays under a third of what it holds. */
const GROWTH = 1.5;

/** When a cumulative point's stream started and when the point was taken, in ns since the epoch. */
export interface PointTimes {
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
}

/**
 * What `CumulativeToDelta` remembers of each stream, one column per field,
 * indexed by stream number (the streams' pair numbers, dense from 0):
 *
 * ```
 *  stream          0      1      2     …
 *  start, time    [ns]   [ns]   [ns]      exact: OTLP times are unsigned 64-bit
 *  lastSeenMillis [ms]   [ms]   [ms]
 *  offset, width  [0,1]  [1,1]  [2,12]    → the last cumulative values in pool.values
 * ```
 *
 * A stream whose values change width gets a new record in the pool; the old
 * one is left behind until the owner copies the live streams into a new table.
 */
export class StreamTable {
  start = new BigUint64Array(INITIAL_CAPACITY);
  time = new BigUint64Array(INITIAL_CAPACITY);
  lastSeenMillis = new Float64Array(INITIAL_CAPACITY);
  offset = new Int32Array(INITIAL_CAPACITY);
  width = new Int32Array(INITIAL_CAPACITY);
  readonly pool = new ValuePool();

  /** Records the first point of stream number `stream`, the next one after those held. */
  add(stream: number, point: PointTimes, values: Float64Array, nowMillis: number): void {
    if (stream === this.start.length) this.grow();
    this.offset[stream] = this.pool.allocate(values.length);
    this.width[stream] = values.length;
    this.update(stream, point, values, nowMillis);
  }

  /** Makes the point the stream's baseline. */
  update(stream: number, point: PointTimes, values: Float64Array, nowMillis: number): void {
    if (values.length !== this.width[stream]) {
      this.offset[stream] = this.pool.allocate(values.length);
      this.width[stream] = values.length;
    }
    this.pool.values.set(values, this.offset[stream]);
    this.start[stream] = point.startTimeUnixNano;
    this.time[stream] = point.timeUnixNano;
    this.lastSeenMillis[stream] = nowMillis;
  }

  /** Copies stream `from` of `other` as stream `stream` of this table, the next one after those held. */
  copyFrom(other: StreamTable, from: number, stream: number): void {
    if (stream === this.start.length) this.grow();
    const width = other.width[from];
    const offset = other.offset[from];
    this.offset[stream] = this.pool.allocate(width);
    this.width[stream] = width;
    this.pool.values.set(other.pool.values.subarray(offset, offset + width), this.offset[stream]);
    this.start[stream] = other.start[from];
    this.time[stream] = other.time[from];
    this.lastSeenMillis[stream] = other.lastSeenMillis[from];
  }

  /** Whether any of the first `streams` streams was last seen before `cutoffMillis`. */
  anySeenBefore(cutoffMillis: number, streams: number): boolean {
    for (let stream = 0; stream < streams; stream++) if (this.lastSeenMillis[stream] < cutoffMillis) return true;
    return false;
  }

  private grow(): void {
    const capacity = Math.ceil(this.start.length * GROWTH);
    this.start = grown(this.start, capacity);
    this.time = grown(this.time, capacity);
    this.lastSeenMillis = grown(this.lastSeenMillis, capacity);
    this.offset = grown(this.offset, capacity);
    this.width = grown(this.width, capacity);
  }
}
