import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PipelineCase, PipelineSection, SystemSummary } from '../src/pipeline-results.js';
import type { StateCellSummary } from '../src/state-bench.js';
import { spreadOf } from '../src/stats.js';
import { checkTargets } from '../src/targets.js';

const spread = (median: number) => spreadOf([median]);

function system(pointsPerSecond: number): SystemSummary {
  return {
    pointsPerSecond: spread(pointsPerSecond),
    requestsPerSecond: spread(pointsPerSecond / 1000),
    sutCpu: spread(1),
    generatorCpu: spread(0.1),
    steal: spread(0),
    latency: [],
    refused: 0,
    failed: 0,
    skipped: 0,
    runs: [],
  };
}

function pipelineCase(transport: PipelineCase['transport'], dp: number, bare: number): PipelineCase {
  return { transport, gzip: false, meanWireBytes: 1, pointsPerRequest: 1000, dp: system(dp), bare: system(bare), ratio: spread(dp / bare), ratioPerCpuSecond: spread(dp / bare) };
}

function stateCell(entries: number, bytesPerEntry: number, peakMb: number): StateCellSummary {
  return {
    shape: { tokens: entries / 10, seriesPerToken: 10, temporality: 'delta' },
    entries,
    bytesPerEntry: spread(bytesPerEntry),
    rssBytes: spread(peakMb * 1024 * 1024),
    peakRssBytes: spread(peakMb * 1024 * 1024),
    firstPassPointsPerSecond: spread(1),
    laterPassPointsPerSecond: spread(1),
    releaseMillis: spread(1),
    runs: [],
  };
}

describe('checkTargets', () => {
  it('checks HTTP protobuf throughput and ratio, gRPC throughput, bytes per entry and RSS at 1M entries', () => {
    const pipeline = { cases: [pipelineCase('http-protobuf', 600_000, 1_000_000), pipelineCase('http-json', 1, 1), pipelineCase('grpc', 200_000, 300_000)] } as PipelineSection;
    const state = { seriesPerToken: 10, cells: [stateCell(10_000, 120, 80), stateCell(1_000_000, 151, 401)] };
    const checks = checkTargets(pipeline, state);
    assert.deepEqual(
      checks.map((c) => [c.target, c.met]),
      [
        ['OTLP/HTTP protobuf (no gzip), DP pipeline points/s', true],
        ['OTLP/HTTP protobuf (no gzip), DP / bare pass', true],
        ['OTLP/gRPC (no gzip), DP pipeline points/s', false],
        ['bytes per (token, series) entry, delta input, 10,000 entries', true],
        ['bytes per (token, series) entry, delta input, 1,000,000 entries', false],
        ['peak RSS in MB, delta input, 1,000,000 entries', false],
      ],
    );
  });

  it('never counts a run that could not measure as met', () => {
    const checks = checkTargets(undefined, { seriesPerToken: 10, cells: [stateCell(10_000, NaN, 1)] });
    assert.equal(checks.length, 1);
    assert.equal(checks[0].met, false);
  });
});
