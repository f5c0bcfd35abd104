import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LONG_RUNS, type LongRun } from './long-runs.js';
import { fitCount, measureScaling, MAX_RATIO, SIZE_FACTOR } from './scaling.js';

/**
 * Decoding time must grow linearly with the request for every repeated field:
 * a decoder that looks over the rest of a run at each element, or copies what
 * it has gathered, lets one crafted request of a megabyte hold the process
 * for a minute.
 */
const SMALL_BYTES = 16 * 1024;

describe('protobuf decoding time is linear in the length of any run of one repeated field', () => {
  for (const run of LONG_RUNS) {
    it(run.field, () => {
      const count = fitCount(run.build, SMALL_BYTES);
      const small = run.build(count);
      const large = run.build(SIZE_FACTOR * count);
      const decodeSmall = (): unknown => run.decode(small);
      const decodeLarge = (): unknown => run.decode(large);
      const ratio = perByteRatio(run, small, large, decodeSmall, decodeLarge);
      assert.ok(ratio <= MAX_RATIO, `${run.field}: time per byte at ${large.length} bytes is ${ratio.toFixed(2)} times that at ${small.length} bytes`);
    });
  }
});

/** Time per byte of the large input over that of the small one, measured again once before it counts as too high. */
function perByteRatio(run: LongRun, small: Uint8Array, large: Uint8Array, decodeSmall: () => unknown, decodeLarge: () => unknown): number {
  const measure = (): number => {
    const { small: smallMs, large: largeMs } = measureScaling(decodeSmall, decodeLarge);
    return largeMs / large.length / (smallMs / small.length);
  };
  assert.ok(large.length > 0.97 * SIZE_FACTOR * small.length, `${run.field}: the large input is ${large.length} bytes, the small ${small.length}`);
  const first = measure();
  return first <= MAX_RATIO ? first : Math.min(first, measure());
}
