import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_VERDICT_CACHE_LIMIT, MAX_CACHED_STRING_LENGTH, VerdictCache } from '../../src/attribute-policy/verdict-cache.js';

/** A cache over a judge that counts its calls and flags values starting with "x". */
function countingCache(limit?: number): { cache: VerdictCache; judged: string[] } {
  const judged: string[] = [];
  const cache = new VerdictCache((value) => {
    judged.push(value);
    return value.startsWith('x');
  }, limit);
  return { cache, judged };
}

describe('VerdictCache', () => {
  it('judges each distinct value once while it is cached', () => {
    const { cache, judged } = countingCache();
    for (let round = 0; round < 3; round++) {
      assert.equal(cache.verdict('xyz'), true);
      assert.equal(cache.verdict('abc'), false);
    }
    assert.deepEqual(judged, ['xyz', 'abc']);
    assert.equal(cache.size, 2);
  });

  it('holds 10,000 entries by default', () => {
    assert.equal(DEFAULT_VERDICT_CACHE_LIMIT, 10_000);
    const { cache } = countingCache();
    assert.equal(cache.limit, DEFAULT_VERDICT_CACHE_LIMIT);
    for (let i = 0; i < 3 * DEFAULT_VERDICT_CACHE_LIMIT; i++) {
      cache.verdict(`value-${i}`);
      assert.ok(cache.size <= DEFAULT_VERDICT_CACHE_LIMIT);
    }
  });

  it('starts over when full, then judges forgotten values again', () => {
    const { cache, judged } = countingCache(3);
    for (const value of ['a', 'b', 'c']) cache.verdict(value);
    assert.equal(cache.size, 3);
    cache.verdict('xd');
    assert.equal(cache.size, 1, 'cleared, then the new value stored');
    assert.equal(cache.verdict('xd'), true);
    assert.equal(cache.verdict('a'), false);
    assert.deepEqual(judged, ['a', 'b', 'c', 'xd', 'a']);
    assert.equal(cache.size, 2);
  });

  it('does not store values longer than the length cap, but still judges them', () => {
    const { cache, judged } = countingCache();
    const long = `x${'y'.repeat(MAX_CACHED_STRING_LENGTH)}`;
    assert.equal(cache.verdict(long), true);
    assert.equal(cache.verdict(long), true);
    assert.equal(cache.size, 0);
    assert.equal(judged.length, 2);
    const atCap = 'z'.repeat(MAX_CACHED_STRING_LENGTH);
    cache.verdict(atCap);
    assert.equal(cache.size, 1);
  });
});
