import { grown } from './typed-arrays.js';

const INITIAL_CAPACITY = 256;
/** Grows by half again, so the unused tail stays under a third of what it holds. */
const GROWTH = 1.5;

/**
 * Numbers of many small records in one Float64Array, handed out in runs of a
 * record's width: one array buffer for all of them, where a typed array per
 * record would cost an object of about 100 bytes for 8 to 16 of payload.
 *
 * ```
 *  values  [ r0 ][ r1 r1 ][ r2 ][ r3 r3 r3 r3 ] … [ free ]
 *          ^0    ^1       ^3    ^4               ^used
 * ```
 *
 * A record is named by the offset of its first number. Growing replaces
 * `values`, so read it again after {@link allocate}. Nothing is freed; a
 * user that forgets records copies the live ones into a new pool.
 */
export class ValuePool {
  values = new Float64Array(INITIAL_CAPACITY);
  /** Numbers handed out. */
  used = 0;

  /** The offset of a new record of `width` numbers, all zero. */
  allocate(width: number): number {
    const offset = this.used;
    const needed = offset + width;
    if (needed > this.values.length) this.values = grown(this.values, Math.max(needed, Math.ceil(this.values.length * GROWTH)));
    this.used = needed;
    return offset;
  }
}
