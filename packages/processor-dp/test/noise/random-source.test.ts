import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { describe, test } from 'node:test';
import { CryptoRandomSource, DEFAULT_RANDOM_POOL_BYTES, NoiseParameterError } from '../../src/noise/index.js';
import { assertZ, frequencyZ, ScriptedRandomSource } from './statistics.js';
import { chiSquareUpperQuantile } from '../../src/distribution-functions.js';

const TWO_POW_30 = 2 ** 30;
const TWO_POW_32 = 2 ** 32;

/** Counts the calls to crypto.randomFillSync made while `run` runs (the ESM binding is re-synced to the wrapper). */
function countPoolFills(run: () => void): number[] {
  const original = crypto.randomFillSync;
  const sizes: number[] = [];
  crypto.randomFillSync = ((buffer: NodeJS.ArrayBufferView, ...rest: [number?, number?]) => {
    sizes.push(buffer.byteLength);
    return original(buffer, ...rest);
  }) as typeof crypto.randomFillSync;
  syncBuiltinESMExports();
  try {
    run();
  } finally {
    crypto.randomFillSync = original;
    syncBuiltinESMExports();
  }
  return sizes;
}

describe('CryptoRandomSource', () => {
  test('counts 4 bytes per word and nothing for a draw with a single outcome', () => {
    const random = new CryptoRandomSource();
    assert.equal(random.bytesDrawn, 0);
    for (let i = 0; i < 10; i++) random.nextUint32();
    assert.equal(random.bytesDrawn, 40);
    assert.equal(random.uniformInt(1), 0);
    assert.equal(random.uniformBigInt(1n), 0n);
    assert.equal(random.bytesDrawn, 40);
    random.uniformInt(2 ** 40);
    assert.equal(random.bytesDrawn, 48, 'a value above 2^32 takes two words (accepted at once for a power of two)');
  });

  test('fills its pool with one randomFillSync call per pool of bytes', () => {
    const sizes = countPoolFills(() => {
      const random = new CryptoRandomSource({ poolBytes: 64 });
      for (let i = 0; i < 100; i++) random.nextUint32();
      assert.equal(random.bytesDrawn, 400);
    });
    assert.deepEqual(sizes, new Array(Math.ceil(400 / 64)).fill(64));
    const defaultSizes = countPoolFills(() => {
      const random = new CryptoRandomSource();
      for (let i = 0; i < 1000; i++) random.uniformInt(1000);
    });
    assert.deepEqual(defaultSizes, [DEFAULT_RANDOM_POOL_BYTES]);
  });

  test('rejects a pool size that is not a positive multiple of 4', () => {
    for (const poolBytes of [0, 6, -4, 1.5, Number.NaN]) {
      assert.throws(() => new CryptoRandomSource({ poolBytes }), (error: unknown) => {
        assert.ok(error instanceof NoiseParameterError);
        assert.equal(error.code, 'DP_NOISE_PARAMETER');
        assert.match(error.message, /^poolBytes is .*, must be a positive multiple of 4$/);
        return true;
      });
    }
  });

  test('rejects ranges outside [1, 2^53] with a message naming them', () => {
    const random = new CryptoRandomSource();
    for (const n of [0, -3, 2.5, 2 ** 53 + 2, Number.NaN, Infinity]) {
      assert.throws(() => random.uniformInt(n), /^NoiseParameterError: n is .*, must be an integer in \[1, 2\^53\]$/);
    }
    assert.throws(() => random.uniformBigInt(0n), NoiseParameterError);
  });

  test('uniformInt(10) passes a chi-square test (critical value at p = 1e-6)', () => {
    // 100 000 draws in 10 cells (df = 9). The critical value is computed from
    // the χ² distribution: P[χ²_9 ≥ 44.81] = 1e-6 (scipy's chi2.isf(1e-6, 9)
    // gives 44.8109), the false-alarm rate.
    // A modulo bias as large as a 1% excess in one cell (1 000 extra draws)
    // adds (1000)²/10000 = 100 to the statistic on its own.
    const random = new CryptoRandomSource();
    const n = 100_000;
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < n; i++) counts[random.uniformInt(10)]++;
    const expected = n / 10;
    const statistic = counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    const critical = chiSquareUpperQuantile(1e-6, 9);
    assert.ok(Math.abs(critical - 44.8109) < 1e-3, `critical value ${critical}`);
    assert.ok(statistic < critical, `χ² = ${statistic.toFixed(1)} ≥ ${critical.toFixed(1)}`);
  });

  test('uniformInt(3·2^30) has no modulo bias', () => {
    // A plain `word % n` would put half the draws in the first third (words in
    // [0, 2^30) and [3·2^30, 2^32) both land there). With 30 000 draws the
    // first-third frequency has standard error 0.0027, so 1/2 sits 61 standard
    // errors from 1/3; the check tolerates 5.3 (false alarm 1.2e-7 each).
    const random = new CryptoRandomSource();
    const n = 30_000;
    const thirds = [0, 0, 0];
    for (let i = 0; i < n; i++) thirds[Math.floor(random.uniformInt(3 * TWO_POW_30) / TWO_POW_30)]++;
    for (let third = 0; third < 3; third++) assertZ(frequencyZ(thirds[third], n, 1 / 3), `third ${third}`);
    assert.ok(frequencyZ(n / 2, n, 1 / 3) > 50, 'a modulo bias would be far beyond the tolerance');
  });

  test('uniformInt and uniformBigInt above 2^32 are uniform over thirds', () => {
    const random = new CryptoRandomSource();
    const n = 30_000;
    const big = 3n * (1n << 100n);
    const range = 3 * 2 ** 40;
    const numberThirds = [0, 0, 0];
    const bigThirds = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      numberThirds[Math.floor(random.uniformInt(range) / 2 ** 40)]++;
      bigThirds[Number(random.uniformBigInt(big) >> 100n)]++;
    }
    for (let third = 0; third < 3; third++) {
      assertZ(frequencyZ(numberThirds[third], n, 1 / 3), `number third ${third}`);
      assertZ(frequencyZ(bigThirds[third], n, 1 / 3), `bigint third ${third}`);
    }
  });
});

describe('rejection sampling on scripted words', () => {
  test('a draw outside the accepted range is redrawn', () => {
    // n = 3·2^30 needs all 32 bits; words ≥ n are redrawn.
    const n = 3 * TWO_POW_30;
    const random = new ScriptedRandomSource([n, TWO_POW_32 - 1, n - 1]);
    assert.equal(random.uniformInt(n), n - 1);
    assert.equal(random.bytesDrawn, 12);
    // Small n (multiply-shift): word·10 = high·2^32 + low, redrawn when low < 2^32 mod 10 = 6.
    // Word 0 gives low 0 and is redrawn; 2^32 − 1 gives high 9, low 2^32 − 10.
    const ten = new ScriptedRandomSource([0, TWO_POW_32 - 1, 2 ** 31 + 1]);
    assert.equal(ten.uniformInt(10), 9);
    assert.equal(ten.bytesDrawn, 8);
    assert.equal(ten.uniformInt(10), 5, 'word 2^31 + 1: high 5, low 10');
  });

  test('above 2^32 the high word is shifted to the bits needed and values ≥ n are redrawn', () => {
    // n = 2^32 + 5 needs 33 bits: the top bit of the high word, then a full low word.
    const n = TWO_POW_32 + 5;
    const random = new ScriptedRandomSource([0x8000_0000, 5, 0x8000_0000, 4, 0x7fff_ffff, 9]);
    assert.equal(random.uniformInt(n), TWO_POW_32 + 4, 'high bit 1 with low word 5 is n itself and is redrawn');
    assert.equal(random.bytesDrawn, 16);
    assert.equal(random.uniformInt(n), 9, 'high bit 0');
    // 2^53 takes 21 high bits: all-ones words give 2^53 − 1, the largest value.
    assert.equal(new ScriptedRandomSource([0xffff_ffff, 0xffff_ffff]).uniformInt(2 ** 53), 2 ** 53 - 1);
  });

  test('uniformBigInt masks the top word to the bit length and redraws values ≥ n', () => {
    // n = 2^64 + 1 needs 65 bits: three words, the first shifted right by 31.
    const n = (1n << 64n) + 1n;
    const random = new ScriptedRandomSource([0xffff_ffff, 0, 1, 0xffff_ffff, 0, 0, 0, 7, 8]);
    assert.equal(random.uniformBigInt(n), 1n << 64n);
    assert.equal(random.uniformBigInt(n), (7n << 32n) | 8n);
    assert.equal(random.remaining, 0);
  });
});
