import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  countDataPoints,
  decodeMetricsRequest,
  decodeMetricsRequestJson,
  encodeMetricsRequest,
  encodeMetricsRequestJson,
} from '@otel-dp/otlp';
import { CryptoRandomSource, Uint32RandomSource, sampleDiscreteGaussian, sampleDiscreteLaplace, type RandomSource } from '@otel-dp/processor-dp';
import { spreadOf, type Spread } from './stats.js';
import { buildWorkload } from './workload.js';

/** One micro-benchmark: a rate with its unit, over repeated runs. */
export interface MicroRate {
  group: 'sampler' | 'codec';
  name: string;
  unit: string;
  rate: Spread;
}

export interface MicroSection {
  repetitionMillis: number;
  rates: MicroRate[];
  /** Pooled over one-call-per-draw samples/s, per sampler and scale. */
  poolingSpeedup: Array<{ name: string; speedup: Spread }>;
}

/** The unpooled way: one `crypto.randomBytes` call (one system call at most, and a Buffer) per 32-bit word. */
class PerDrawCryptoSource extends Uint32RandomSource {
  protected nextWord(): number {
    return randomBytes(4).readUInt32LE(0);
  }
}

const SAMPLER_SCALES = [1, 100, 10_000];
/** Calls between clock reads: samplers take about a microsecond, codecs about a millisecond. */
const SAMPLER_BATCH = 256;
const CODEC_BATCH = 1;

/** Keeps results observable, so the optimizer cannot drop the measured calls. */
let observed = 0;

/**
 * Operations per second of `operation` (which performs `opsPerCall`
 * operations), calling it for about `millis` and at most `maxCalls` times,
 * reading the clock every `batch` calls.
 */
function rateOf(operation: () => number, opsPerCall: number, millis: number, maxCalls: number, batch: number): number {
  const start = performance.now();
  let calls = 0;
  let now = start;
  while (now - start < millis && calls < maxCalls) {
    for (let i = 0; i < batch && calls < maxCalls; i++, calls++) observed += operation();
    now = performance.now();
  }
  return (calls * opsPerCall * 1000) / (now - start);
}

export function runMicroBench(options: { runs: number; repetitionMillis: number }): MicroSection {
  const { runs, repetitionMillis } = options;
  const samples = new Map<string, number[]>();
  const record = (key: string, value: number) => {
    const values = samples.get(key) ?? [];
    values.push(value);
    samples.set(key, values);
  };
  const request = buildWorkload()[0];
  const points = countDataPoints(request);
  const protobuf = encodeMetricsRequest(request);
  const json = encodeMetricsRequestJson(request);
  const gzipped = gzipSync(protobuf);
  const codecs: Array<[string, () => number]> = [
    ['protobuf decode (@otel-dp/otlp)', () => decodeMetricsRequest(protobuf).resourceMetrics.length],
    ['JSON.parse of the OTLP/JSON', () => (JSON.parse(json) as { resourceMetrics: unknown[] }).resourceMetrics.length],
    ['OTLP/JSON decode (@otel-dp/otlp)', () => decodeMetricsRequestJson(json).resourceMetrics.length],
    ['protobuf encode (@otel-dp/otlp)', () => encodeMetricsRequest(request).length],
    ['gunzip of the protobuf body', () => gunzipSync(gzipped).length],
  ];
  const sources: Array<[string, RandomSource]> = [
    ['pooled CryptoRandomSource', new CryptoRandomSource()],
    ['one randomBytes call per draw', new PerDrawCryptoSource()],
  ];
  const maxDraws = repetitionMillis * 10_000;
  // Run 0 only warms the JIT up (a fifth of the time) and is not recorded.
  for (let run = 0; run <= runs; run++) {
    const millis = run === 0 ? repetitionMillis / 5 : repetitionMillis;
    const keep = run === 0 ? () => undefined : record;
    for (const scale of SAMPLER_SCALES) {
      for (const [sourceName, random] of sources) {
        const gaussian = () => sampleDiscreteGaussian(random, scale);
        const laplace = () => sampleDiscreteLaplace(random, scale);
        keep(`gaussian σ=${scale}|${sourceName}`, rateOf(gaussian, 1, millis, maxDraws, SAMPLER_BATCH));
        keep(`laplace b=${scale}|${sourceName}`, rateOf(laplace, 1, millis, maxDraws, SAMPLER_BATCH));
      }
    }
    for (const [name, operation] of codecs) keep(`codec|${name}`, rateOf(operation, points, millis, millis * 100, CODEC_BATCH));
  }
  if (Number.isNaN(observed)) throw new Error('a micro-benchmark produced NaN');
  const rates: MicroRate[] = [];
  const poolingSpeedup: MicroSection['poolingSpeedup'] = [];
  for (const [key, values] of samples) {
    const [what, how] = key.split('|');
    if (what === 'codec') rates.push({ group: 'codec', name: how, unit: 'points/s', rate: spreadOf(values) });
    else rates.push({ group: 'sampler', name: `${what}, ${how}`, unit: 'samples/s', rate: spreadOf(values) });
    if (how === sources[0][0]) {
      const unpooled = samples.get(`${what}|${sources[1][0]}`)!;
      poolingSpeedup.push({ name: what, speedup: spreadOf(values.map((v, i) => v / unpooled[i])) });
    }
  }
  return { repetitionMillis, rates, poolingSpeedup };
}
