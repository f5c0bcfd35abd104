import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatNumber } from '../src/markdown-format.js';

describe('formatNumber', () => {
  it('abbreviates large numbers', () => {
    assert.equal(formatNumber(1500), '1.5k');
    assert.equal(formatNumber(2_000_000), '2M');
    assert.equal(formatNumber(123_456), '123k');
    assert.equal(formatNumber(0.25), '0.25');
  });
});
