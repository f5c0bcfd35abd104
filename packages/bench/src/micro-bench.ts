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

/** One exact sampler at one scale, fed by pooled randomness and by one crypto call per draw. */
export interface SamplerRate {
  sampler: string;
  /** Samples/s with the processor's pooled `CryptoRandomSource`. */
  pooled: Spread;
  /** Samples/s with one `crypto.randomBytes` call per 32-bit draw. */
  perDraw: Spread;
  /** pooled / perDraw, run by run. */
  speedup: Spread;
}

export interface CodecRate {
  codec: string;
  pointsPerSecond: Spread;
}

export interface MicroSection {
  repetitionMillis: number;
  samplers: SamplerRate[];
  /** On one workload request of 1,000 points. */
  codecs: CodecRate[];
  /** The OTLP/JSON decoder's rate over JSON.parse's on the same body, run by run. */
  jsonDecodeOverParse: Spread;
}

/** The unpooled way: one `crypto.randomBytes` call (one system call at most, and a Buffer) per 32-bit word. */
class PerDrawCryptoSource extends Uint32RandomSource {
  protected nextWord(): number {
    return randomBytes(4).readUInt32LE(0);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
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

interface Case {
  name: string;
  operation: () => number;
  opsPerCall: number;
  batch: number;
  maxCallsPerMilli: number;
}

function samplerCases(random: RandomSource): Case[] {
  return SAMPLER_SCALES.flatMap((scale) => [
    { name: `discrete Gaussian σ=${scale}`, operation: () => sampleDiscreteGaussian(random, scale), opsPerCall: 1, batch: SAMPLER_BATCH, maxCallsPerMilli: 10_000 },
    { name: `discrete Laplace b=${scale}`, operation: () => sampleDiscreteLaplace(random, scale), opsPerCall: 1, batch: SAMPLER_BATCH, maxCallsPerMilli: 10_000 },
  ]);
}

/** Indices in {@link codecCases} of the two rates whose ratio is a target. */
const JSON_PARSE = 1;
const JSON_DECODE = 2;

function codecCases(): Case[] {
  const request = buildWorkload()[0];
  const points = countDataPoints(request);
  const protobuf = encodeMetricsRequest(request);
  // As bytes, the form the receiver hands over; JSON.parse gets the same UTF-8 check and decoding.
  const json = Buffer.from(encodeMetricsRequestJson(request));
  const gzipped = gzipSync(protobuf);
  const codec = (name: string, operation: () => number): Case => ({ name, operation, opsPerCall: points, batch: CODEC_BATCH, maxCallsPerMilli: 100 });
  return [
    codec('protobuf decode (@otel-dp/otlp)', () => decodeMetricsRequest(protobuf).resourceMetrics.length),
    codec('JSON.parse of the same request as OTLP/JSON', () => (JSON.parse(utf8.decode(json)) as { resourceMetrics: unknown[] }).resourceMetrics.length),
    codec('OTLP/JSON decode (@otel-dp/otlp)', () => decodeMetricsRequestJson(json).resourceMetrics.length),
    codec('protobuf encode (@otel-dp/otlp)', () => encodeMetricsRequest(request).length),
    codec('gunzip of the protobuf body', () => gunzipSync(gzipped).length),
  ];
}

/**
 * Rates of every case over `runs` repetitions, the cases interleaved within
 * each repetition so that a slow moment of the machine touches them alike.
 * A first, shorter repetition only warms the JIT up.
 */
function measureAll(cases: readonly Case[], runs: number, repetitionMillis: number): number[][] {
  const rates = cases.map((): number[] => []);
  for (let run = 0; run <= runs; run++) {
    const millis = run === 0 ? repetitionMillis / 5 : repetitionMillis;
    cases.forEach((c, i) => {
      const rate = rateOf(c.operation, c.opsPerCall, millis, millis * c.maxCallsPerMilli, c.batch);
      if (run > 0) rates[i].push(rate);
    });
  }
  return rates;
}

export function runMicroBench(options: { runs: number; repetitionMillis: number }): MicroSection {
  const { runs, repetitionMillis } = options;
  const pooledCases = samplerCases(new CryptoRandomSource());
  const perDrawCases = samplerCases(new PerDrawCryptoSource());
  const codecs = codecCases();
  const rates = measureAll([...pooledCases, ...perDrawCases, ...codecs], runs, repetitionMillis);
  if (Number.isNaN(observed)) throw new Error('a micro-benchmark produced NaN');
  const pooled = rates.slice(0, pooledCases.length);
  const perDraw = rates.slice(pooledCases.length, 2 * pooledCases.length);
  const codecRates = rates.slice(2 * pooledCases.length);
  return {
    repetitionMillis,
    samplers: pooledCases.map((c, i) => ({
      sampler: c.name,
      pooled: spreadOf(pooled[i]),
      perDraw: spreadOf(perDraw[i]),
      speedup: spreadOf(pooled[i].map((rate, run) => rate / perDraw[i][run])),
    })),
    codecs: codecs.map((c, i) => ({ codec: c.name, pointsPerSecond: spreadOf(rates[2 * pooledCases.length + i]) })),
    jsonDecodeOverParse: spreadOf(codecRates[JSON_DECODE].map((rate, run) => rate / codecRates[JSON_PARSE][run])),
  };
}
