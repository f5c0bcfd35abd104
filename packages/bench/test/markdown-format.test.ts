import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMegabytes, formatPercent, formatSpread, markdownTable } from '../src/markdown-format.js';

describe('Markdown formatting', () => {
  it('lays out a table with a separator row and escaped pipes', () => {
    assert.equal(markdownTable(['a', 'b'], [['1', 'x|y']]), '| a | b |\n| --- | --- |\n| 1 | x\\|y |');
  });

  it('shows median [min–max], a single value for one run, n/a for none', () => {
    assert.equal(formatSpread({ median: 2500, min: 2000, max: 3100, runs: 5 }), '2.5k [2k–3.1k]');
    assert.equal(formatSpread({ median: 42, min: 42, max: 42, runs: 1 }), '42');
    assert.equal(formatSpread({ median: NaN, min: NaN, max: NaN, runs: 0 }), 'n/a');
    assert.equal(formatSpread({ median: 1.5, min: 1, max: 2, runs: 3 }, (v) => v.toFixed(2)), '1.50 [1.00–2.00]');
  });

  it('writes bytes as whole mebibytes', () => {
    assert.equal(formatMegabytes(400 * 1024 * 1024), '400');
    assert.equal(formatMegabytes(NaN), 'n/a');
  });

  it('writes shares as whole percentages', () => {
    assert.equal(formatPercent(0.284), '28 %');
    assert.equal(formatPercent(0), '0 %');
  });
});
