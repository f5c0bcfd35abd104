import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PairIndex } from '../src/pair-index.js';
import { ValuePool } from '../src/value-pool.js';
import { ENTRY_INDEX_BYTES, REFUSED, REFUSED_BYTES, SERIES_BYTES, TOKEN_BYTES, WindowContributions } from '../src/window.js';
import { CumulativeToDelta, NAME_BYTES, STREAM_BYTES } from '../src/cumulative-to-delta.js';
import type { SeriesDescriptor } from '../src/series.js';

describe('PairIndex', () => {
  it('numbers pairs in the order added and finds every one after many growths', () => {
    const index = new PairIndex();
    const tokens = 700;
    const seriesPerToken = 30;
    for (let a = 0; a < tokens; a++) for (let b = 0; b < seriesPerToken; b++) assert.equal(index.add(a, b), a * seriesPerToken + b);
    assert.equal(index.size, tokens * seriesPerToken);
    for (let a = 0; a < tokens; a++) {
      for (let b = 0; b < seriesPerToken; b++) {
        const pair = index.find(a, b);
        assert.equal(pair, a * seriesPerToken + b);
        assert.equal(index.firstOf(pair), a);
        assert.equal(index.secondOf(pair), b);
      }
    }
    assert.equal(index.find(tokens, 0), -1);
    assert.equal(index.find(0, seriesPerToken), -1);
    // Swapped halves are other pairs.
    assert.equal(index.find(seriesPerToken - 1, tokens - 1), -1);
  });
});

describe('ValuePool', () => {
  it('hands out zeroed runs that keep their values when the pool grows', () => {
    const pool = new ValuePool();
    const offsets: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const offset = pool.allocate(1 + (i % 3));
      assert.equal(pool.values[offset], 0);
      pool.values[offset] = i;
      offsets.push(offset);
    }
    assert.equal(pool.used, offsets.at(-1)! + 1 + (999 % 3));
    offsets.forEach((offset, i) => assert.equal(pool.values[offset], i));
  });
});

function descriptor(id: number): SeriesDescriptor {
  return { id, key: `series-${id}` } as SeriesDescriptor;
}

describe('WindowContributions', () => {
  const limits = { maxEntries: 5, maxTokens: 2, maxSeries: 3, maxBytes: Number.MAX_SAFE_INTEGER };

  it('keeps one entry per (token, series), walks each token in arrival order, and refuses past its limits', () => {
    const window = new WindowContributions(0, 60_000);
    const [s0, s1, s2] = [descriptor(7), descriptor(9), descriptor(11)].map((d) => window.seriesNumber(d, limits));
    assert.deepEqual([s0, s1, s2], [0, 1, 2]);
    assert.equal(window.seriesNumber(descriptor(9), limits), 1, 'a series keeps its number');
    assert.equal(window.seriesNumber(descriptor(13), limits), REFUSED, 'a fourth series');

    const add = (token: string, series: number, value: number) => {
      const offset = window.entry(token, series, [0], limits);
      if (offset !== REFUSED) window.pool.values[offset] += value;
      return offset;
    };
    add('a', s1, 1);
    add('b', s0, 10);
    add('a', s0, 2);
    add('a', s1, 4);
    const gaugeOffset = window.entry('b', s2, [0, -Infinity], limits);
    assert.deepEqual([...window.pool.values.subarray(gaugeOffset, gaugeOffset + 2)], [0, -Infinity]);
    assert.equal(add('c', s0, 100), REFUSED, 'a third token');
    assert.equal(window.entries, 4);
    assert.equal(window.tokens, 2);
    add('b', s1, 20);
    assert.equal(add('a', s2, 1000), REFUSED, 'a sixth entry');
    assert.equal(add('a', s0, 8), window.offsetOf(2), 'an entry held is still taken when the window is full');
    assert.ok(window.isFull(limits));

    const byToken = [...window.entriesByToken()].map((entries) =>
      entries.map((entry) => [window.series[window.seriesOf(entry)].id, window.pool.values[window.offsetOf(entry)]]),
    );
    assert.deepEqual(byToken, [
      [
        [9, 5],
        [7, 10],
      ],
      [
        [7, 10],
        [11, 0],
        [9, 20],
      ],
    ]);
  });
});

describe('WindowContributions bytes', () => {
  // An exponential histogram entry of the default layout: zero bucket, 160 buckets a sign, sum.
  const EXPONENTIAL_WIDTH = 322;

  it('counts each entry at its width, each token and series once with its characters, and refuses what would pass maxBytes', () => {
    const series = SERIES_BYTES + 2 * 'series-1'.length;
    const firstEntry = ENTRY_INDEX_BYTES + 8 * EXPONENTIAL_WIDTH + TOKEN_BYTES + 2 * 'tok-0'.length;
    const laterEntry = ENTRY_INDEX_BYTES + 8 * EXPONENTIAL_WIDTH + TOKEN_BYTES + 2 * 'tok-1'.length;
    const limits = { maxEntries: 1000, maxTokens: 1000, maxSeries: 1000, maxBytes: series + firstEntry + laterEntry + 100 };
    const window = new WindowContributions(0, 60_000);
    const s = window.seriesNumber(descriptor(1), limits);
    assert.equal(window.bytes, series);
    assert.ok(window.entry('tok-0', s, EXPONENTIAL_WIDTH, limits) >= 0);
    assert.equal(window.bytes, series + firstEntry);
    assert.ok(window.entry('tok-0', s, EXPONENTIAL_WIDTH, limits) >= 0, 'an entry held costs nothing more');
    assert.equal(window.bytes, series + firstEntry);
    assert.ok(window.entry('tok-1', s, EXPONENTIAL_WIDTH, limits) >= 0);
    assert.equal(window.entry('tok-2', s, EXPONENTIAL_WIDTH, limits), REFUSED_BYTES, 'a third exponential entry');
    assert.equal(window.tokens, 2, 'a refused entry adds no token');
    assert.ok(window.entry('tok-0', s, EXPONENTIAL_WIDTH, limits) >= 0, 'an entry held is still taken');
    assert.ok(window.bytes <= limits.maxBytes);
    assert.ok(window.isFull(limits), 'full once an entry was refused at the byte cap');
    const other = new WindowContributions(0, 60_000);
    assert.equal(other.seriesNumber(descriptor(2), { ...limits, maxBytes: series - 1 }), REFUSED_BYTES, 'a series that does not fit');
    assert.ok(other.isFull(limits));
  });

  it('holds a sum entry at an eighth of a gauge-or-wider one: the width sets the cost, not the count', () => {
    const limits = { maxEntries: 1e9, maxTokens: 1e9, maxSeries: 1e9, maxBytes: 256 * 1024 };
    const fill = (width: number): number => {
      const window = new WindowContributions(0, 60_000);
      const s = window.seriesNumber(descriptor(1), limits);
      let taken = 0;
      while (window.entry(`t${taken}`, s, width, limits) >= 0) taken++;
      return taken;
    };
    const sums = fill(1);
    const exponentials = fill(EXPONENTIAL_WIDTH);
    const perSum = ENTRY_INDEX_BYTES + 8 + TOKEN_BYTES + 2 * 5;
    assert.ok(Math.abs(sums - limits.maxBytes / perSum) < 50, `sums taken: ${sums}`);
    assert.ok(Math.abs(exponentials - limits.maxBytes / (perSum - 8 + 8 * EXPONENTIAL_WIDTH)) < 2, `exponential entries taken: ${exponentials}`);
  });
});

describe('CumulativeToDelta bytes', () => {
  it('refuses a new stream whose baseline would pass maxBytes, counts it, and frees what a sweep forgets', () => {
    const perStream = STREAM_BYTES + 8 * 322 + 2 * NAME_BYTES + 2 * 't0'.length + 2 * 'h'.length;
    const tracker = new CumulativeToDelta(0n, 1000, Number.MAX_SAFE_INTEGER, perStream + 10);
    const point = { startTimeUnixNano: 1n, timeUnixNano: 2n };
    assert.equal(tracker.delta('t0', 'h', point, new Float64Array(322), 321, 0), true);
    assert.equal(tracker.bytes, perStream);
    assert.equal(tracker.delta('t1', 'h', point, new Float64Array(322), 321, 0), false);
    assert.equal(tracker.refusedPoints, 1);
    assert.equal(tracker.size, 1);
    tracker.sweep(5000);
    assert.equal(tracker.bytes, 0);
    assert.equal(tracker.delta('t1', 'h', point, new Float64Array(322), 321, 5000), true, 'room again after the sweep');
  });
});

describe('CumulativeToDelta', () => {
  const START = 1_000_000_000n;
  const processStart = 500n;
  const times = (startTimeUnixNano: bigint, timeUnixNano: bigint) => ({ startTimeUnixNano, timeUnixNano });

  it('keeps each (token, series) baseline apart and writes deltas in place', () => {
    const tracker = new CumulativeToDelta(processStart, 60_000);
    const values = (...numbers: number[]) => Float64Array.from(numbers);
    // A stream that began while watching counts in full.
    const first = values(5, 1.5);
    assert.equal(tracker.delta('t1', 'h', times(START, START + 1n), first, 1, 0), true);
    assert.deepEqual([...first], [5, 1.5]);
    assert.equal(tracker.delta('t2', 'h', times(START, START + 1n), values(50, 9), 1, 0), true);
    const next = values(7, 2);
    assert.equal(tracker.delta('t1', 'h', times(START, START + 2n), next, 1, 0), true);
    assert.deepEqual([...next], [2, 0.5]);
    const other = values(80, 19);
    assert.equal(tracker.delta('t2', 'h', times(START, START + 2n), other, 1, 0), true);
    assert.deepEqual([...other], [30, 10]);
    // Not newer: dropped, the baseline stays.
    assert.equal(tracker.delta('t1', 'h', times(START, START + 2n), values(100, 3), 1, 0), false);
    // A reset (a bucket went down) counts nothing and becomes the baseline.
    assert.equal(tracker.delta('t1', 'h', times(START, START + 3n), values(1, 0.25), 1, 0), false);
    const afterReset = values(4, 1);
    assert.equal(tracker.delta('t1', 'h', times(START, START + 4n), afterReset, 1, 0), true);
    assert.deepEqual([...afterReset], [3, 0.75]);
    // A wider point is a new layout: baseline only, then deltas on the new width.
    assert.equal(tracker.delta('t1', 'h', times(START, START + 5n), values(5, 1, 9), 2, 0), false);
    const wider = values(6, 3, 10);
    assert.equal(tracker.delta('t1', 'h', times(START, START + 6n), wider, 2, 0), true);
    assert.deepEqual([...wider], [1, 2, 1]);
    // A restart (later start time) counts the point in full.
    const restarted = values(2, 2, 2);
    assert.equal(tracker.delta('t1', 'h', times(START + 10n, START + 11n), restarted, 2, 0), true);
    assert.deepEqual([...restarted], [2, 2, 2]);
    assert.equal(tracker.size, 2);
  });

  it('forgets idle streams on sweep and keeps the live ones with their baselines and times', () => {
    // The streams began before the process: a first point only sets the baseline.
    const tracker = new CumulativeToDelta(START + 1000n, 1000);
    const streams = 300;
    for (let i = 0; i < streams; i++) tracker.delta(`token-${i % 30}`, `series-${i}`, times(START, START + 1n), Float64Array.of(i), 1, 0);
    // Every third stream is seen again later.
    for (let i = 0; i < streams; i += 3) tracker.delta(`token-${i % 30}`, `series-${i}`, times(START, START + 2n), Float64Array.of(i + 1), 1, 2000);
    tracker.sweep(2500);
    assert.equal(tracker.size, streams / 3);
    for (let i = 0; i < streams; i++) {
      const value = Float64Array.of(i + 10);
      const counted = tracker.delta(`token-${i % 30}`, `series-${i}`, times(START, START + 3n), value, 1, 2600);
      if (i % 3 === 0) {
        assert.equal(counted, true, `stream ${i} kept`);
        assert.equal(value[0], 9, `stream ${i} kept its baseline`);
      } else {
        assert.equal(counted, false, `stream ${i} was forgotten: its point is a new baseline`);
      }
    }
    // The kept streams kept their last time too: a repeat of it is not newer.
    assert.equal(tracker.delta('token-0', 'series-0', times(START, START + 3n), Float64Array.of(100), 1, 2700), false);
  });

  it('refuses new streams past its most, without evicting held ones', () => {
    const tracker = new CumulativeToDelta(processStart, 1000, 2);
    tracker.delta('a', 's', times(START, START + 1n), Float64Array.of(1), 1, 0);
    tracker.delta('b', 's', times(START, START + 1n), Float64Array.of(1), 1, 0);
    assert.equal(tracker.delta('c', 's', times(START, START + 1n), Float64Array.of(1), 1, 0), false);
    assert.equal(tracker.size, 2);
    const held = Float64Array.of(4);
    assert.equal(tracker.delta('b', 's', times(START, START + 2n), held, 1, 0), true);
    assert.equal(held[0], 3);
  });
});
