import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cryptoUniform, ExponentialBackoff } from '../src/backoff.js';
import { DEFAULT_RETRY } from '../src/index.js';

/** Replays the given draws in order. */
function draws(...values: number[]): () => number {
  let next = 0;
  return () => {
    assert.ok(next < values.length, 'more draws than expected');
    return values[next++];
  };
}

test('DEFAULT_RETRY mirrors the collector exporterhelper defaults', () => {
  assert.deepEqual(DEFAULT_RETRY, {
    enabled: true,
    initialIntervalMillis: 5000,
    maxIntervalMillis: 30000,
    maxElapsedMillis: 300000,
    multiplier: 1.5,
    randomizationFactor: 0.5,
  });
});

test('without jitter the waits grow by the multiplier up to the maximum', () => {
  const backoff = new ExponentialBackoff({ ...DEFAULT_RETRY, randomizationFactor: 0 }, draws(0.3, 0.3, 0.3, 0.3, 0.3, 0.3));
  const waits = Array.from({ length: 6 }, () => backoff.nextDelayMillis());
  assert.deepEqual(waits, [5000, 7500, 11250, 16875, 25312.5, 30000]);
});

test('jitter spreads each wait over interval·(1 ± randomizationFactor)', () => {
  const backoff = new ExponentialBackoff(DEFAULT_RETRY, draws(0, 0.5, 0.999));
  assert.equal(backoff.nextDelayMillis(), 2500); // 5000 · (1 − 0.5)
  assert.equal(backoff.nextDelayMillis(), 7500); // 7500 · 1
  const third = backoff.nextDelayMillis(); // 11250 · (1 + 0.5 · 0.998)
  assert.ok(Math.abs(third - 11250 * 1.499) < 1e-6, `third wait ${third}`);
});

test('cryptoUniform stays in [0, 1) and is not constant', () => {
  const values = Array.from({ length: 1000 }, () => cryptoUniform());
  for (const value of values) assert.ok(value >= 0 && value < 1, `draw ${value}`);
  // 1000 draws all equal has probability 0 for a working source.
  assert.ok(new Set(values).size > 990);
  // Mean of 1000 uniforms: σ ≈ 0.0091, so ±0.05 is a 5.5σ band (false failure < 1e-7).
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
});
