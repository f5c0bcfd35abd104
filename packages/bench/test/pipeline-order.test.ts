import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rotate } from '../src/pipeline-bench.js';
import { baselinesFor, ratioByRun, type RunMeasure, type SystemSummary } from '../src/pipeline-results.js';

function summary(rates: Array<[run: number, pointsPerSecond: number, cpu: number]>): SystemSummary {
  return { runs: rates.map(([run, pointsPerSecond, sutCpu]) => ({ run, pointsPerSecond, sutCpu }) as RunMeasure) } as SystemSummary;
}

describe('pipeline section', () => {
  it('lets each system go first in turn', () => {
    const systems = ['dp', 'decode', 'aggregate'];
    assert.deepEqual([0, 1, 2, 3].map((run) => rotate(systems, run)[0]), ['dp', 'decode', 'aggregate', 'dp']);
    assert.deepEqual(rotate(systems, 1), ['decode', 'aggregate', 'dp']);
    assert.deepEqual(rotate([], 3), []);
  });

  it('measures JSON.parse alone only where the bodies are JSON', () => {
    assert.deepEqual(baselinesFor('http-json'), ['decode', 'aggregate', 'parse']);
    assert.deepEqual(baselinesFor('http-protobuf'), ['decode', 'aggregate']);
    assert.deepEqual(baselinesFor('grpc'), ['decode', 'aggregate']);
  });

  it('takes ratios run by run, only between runs both systems measured, per CPU-second when asked', () => {
    const dp = summary([[1, 100, 1], [2, 300, 0.5], [3, 90, 1]]);
    const baseline = summary([[1, 200, 1], [3, 100, 0.5]]);
    const ratio = ratioByRun(dp, baseline);
    assert.equal(ratio.runs, 2);
    assert.equal(ratio.median, (0.5 + 0.9) / 2);
    const perCpu = ratioByRun(dp, baseline, true);
    assert.equal(perCpu.min, 0.45);
    assert.equal(perCpu.max, 0.5);
  });
});
