import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { percentileOfSorted, spreadOf } from '../src/stats.js';

describe('spreadOf', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    assert.deepEqual(spreadOf([5, 1, 3]), { median: 3, min: 1, max: 5, runs: 3 });
  });

  it('averages the two middle values of an even count', () => {
    assert.deepEqual(spreadOf([4, 1, 2, 10]), { median: 3, min: 1, max: 10, runs: 4 });
  });

  it('ignores runs that could not measure', () => {
    assert.deepEqual(spreadOf([NaN, 7, NaN]), { median: 7, min: 7, max: 7, runs: 1 });
    const empty = spreadOf([NaN]);
    assert.equal(empty.runs, 0);
    assert.ok(Number.isNaN(empty.median));
  });
});

describe('percentileOfSorted', () => {
  const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1);

  it('is the nearest rank: the smallest value with p % at or below it', () => {
    assert.equal(percentileOfSorted(hundred, 50), 50);
    assert.equal(percentileOfSorted(hundred, 99), 99);
    assert.equal(percentileOfSorted(hundred, 100), 100);
    assert.equal(percentileOfSorted([3, 8, 9], 50), 8);
    assert.equal(percentileOfSorted([3, 8, 9], 1), 3);
  });

  it('is NaN without values and refuses percentiles outside (0, 100]', () => {
    assert.ok(Number.isNaN(percentileOfSorted([], 50)));
    assert.throws(() => percentileOfSorted(hundred, 0), /percentile is 0/);
    assert.throws(() => percentileOfSorted(hundred, 101), /percentile is 101/);
  });
});
