import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BaselineName, PipelineCase, PipelineSection, RunMeasure, SystemSummary } from '../src/pipeline-results.js';
import type { StateCellSummary } from '../src/state-bench.js';
import { spreadOf } from '../src/stats.js';
import { checkTargets } from '../src/targets.js';

const spread = (median: number) => spreadOf([median]);

function system(pointsPerSecond: number, run = 1): SystemSummary {
  const measure = { run, closed: {} as RunMeasure['closed'], open: [], pointsPerSecond, sutCpu: 1, steal: 0 };
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
    runs: [measure],
  };
}

function pipelineCase(transport: PipelineCase['transport'], dp: number, baselines: Partial<Record<BaselineName, number>>, peakRssMb = 100): PipelineCase {
  const summaries: PipelineCase['baselines'] = {};
  const ratios: PipelineCase['ratios'] = {};
  for (const [name, rate] of Object.entries(baselines) as [BaselineName, number][]) {
    summaries[name] = system(rate);
    ratios[name] = spread(dp / rate);
  }
  return { transport, gzip: false, meanWireBytes: 1, pointsPerRequest: 1000, dp: system(dp), baselines: summaries, ratios, ratiosPerCpuSecond: ratios, dpPeakRssBytes: peakRssMb * 1024 * 1024 };
}

function section(cases: PipelineCase[]): PipelineSection {
  return { cases, deployed: { manifest: 'sidecar.yaml', limitBytes: 500 * 1024 * 1024, nodeOptions: [] } } as unknown as PipelineSection;
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
  it('checks throughput, the ratios to the baselines and to HTTP protobuf, memory against the limit, and the state', () => {
    const pipeline = section([
      pipelineCase('http-protobuf', 600_000, { decode: 1_000_000, aggregate: 700_000 }),
      pipelineCase('http-json', 200_000, { decode: 250_000, aggregate: 220_000, parse: 400_000 }, 401),
      pipelineCase('grpc', 500_000, { decode: 900_000, aggregate: 600_000 }),
    ]);
    const state = { seriesPerToken: 10, cells: [stateCell(10_000, 120, 80), stateCell(1_000_000, 151, 401)] };
    const micro = { repetitionMillis: 1, samplers: [], codecs: [], jsonDecodeOverParse: spread(0.65) };
    const checks = checkTargets(pipeline, state, micro);
    assert.deepEqual(
      checks.map((c) => [c.target, c.met]),
      [
        ['OTLP/HTTP protobuf, DP pipeline points/s', true],
        ['OTLP/HTTP protobuf, DP / decode-only pass', true],
        ['OTLP/HTTP JSON, DP / JSON.parse pass', false],
        ['OTLP/HTTP JSON, decode-only pass / JSON.parse pass', true],
        ['OTLP/JSON decoder / JSON.parse, same bodies (micro)', true],
        ['OTLP/gRPC, DP pipeline points/s', true],
        ['OTLP/gRPC / OTLP/HTTP protobuf, DP pipeline', true],
        ["DP sidecar peak RSS under OTLP/HTTP protobuf, share of the manifest's memory limit", true],
        ["DP sidecar peak RSS under OTLP/HTTP JSON, share of the manifest's memory limit", false],
        ["DP sidecar peak RSS under OTLP/gRPC, share of the manifest's memory limit", true],
        ['bytes per (token, series) entry, delta input, 10,000 entries', true],
        ['bytes per (token, series) entry, delta input, 1,000,000 entries', false],
        ['peak RSS in MB, delta input, 1,000,000 entries', false],
      ],
    );
    // 500,000 / 600,000 of the same run: gRPC at 0.83 of HTTP protobuf.
    assert.ok(Math.abs(checks[6].measured - 5 / 6) < 1e-9);
    assert.equal(checks[1].perCpuSecond, 0.6);
    assert.equal(checks[7].perCpuSecond, undefined);
    // 401 MB of a 500 MB limit is more than 80 % of it.
    assert.ok(Math.abs(checks[8].measured - 401 / 500) < 1e-9);
  });

  it('sets gRPC against HTTP protobuf only run by run, and fails gRPC below 0.8 of it', () => {
    const grpc = pipelineCase('grpc', 400_000, { decode: 900_000, aggregate: 600_000 });
    const checks = checkTargets(section([pipelineCase('http-protobuf', 600_000, { decode: 1_000_000, aggregate: 700_000 }), grpc]), undefined);
    const ratio = checks.find((c) => c.target === 'OTLP/gRPC / OTLP/HTTP protobuf, DP pipeline')!;
    assert.equal(ratio.met, false);
    assert.ok(Math.abs(ratio.measured - 2 / 3) < 1e-9);
  });

  it('holds the spans row to 300,000 spans/s and 0.4 of its decode-only pass', () => {
    const check = (dp: number, decode: number) =>
      checkTargets(section([pipelineCase('http-protobuf-spans', dp, { decode })]), undefined)
        .filter((c) => c.target.startsWith('OTLP/HTTP protobuf spans'))
        .map((c) => [c.target, c.met, c.measured]);
    assert.deepEqual(check(310_000, 700_000), [
      ['OTLP/HTTP protobuf spans, DP pipeline spans/s', true, 310_000],
      ['OTLP/HTTP protobuf spans, DP / decode-only pass', true, 310_000 / 700_000],
    ]);
    assert.deepEqual(check(290_000, 800_000), [
      ['OTLP/HTTP protobuf spans, DP pipeline spans/s', false, 290_000],
      ['OTLP/HTTP protobuf spans, DP / decode-only pass', false, 290_000 / 800_000],
    ]);
  });

  it('leaves gzip rows out of the throughput targets but still checks their memory', () => {
    const gzipped = { ...pipelineCase('http-protobuf', 1, { decode: 10, aggregate: 10 }), gzip: true };
    const checks = checkTargets(section([gzipped]), undefined);
    assert.deepEqual(checks.map((c) => c.target), ["DP sidecar peak RSS under OTLP/HTTP protobuf (gzip), share of the manifest's memory limit"]);
  });

  it('never counts a run that could not measure as met', () => {
    const checks = checkTargets(undefined, { seriesPerToken: 10, cells: [stateCell(10_000, NaN, 1)] });
    assert.equal(checks.length, 1);
    assert.equal(checks[0].met, false);
  });
});
