import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AggregationTemporality } from '@otel-dp/otlp';
import { OtlpBackend } from '../support/otlp-backend.js';
import { postMetrics, stringAttribute, sumRequest } from '../support/otlp-requests.js';
import { assertTotalsWithin, releasedTotals } from '../support/released-values.js';
import { makeTokens, TOKEN_ATTRIBUTE } from '../support/sdk-app.js';
import { SidecarProcess } from '../support/sidecar-process.js';

/**
 * The OTel JS SDK stamps a cumulative stream's start with the whole
 * millisecond of its first measurement and each point with the collection
 * time, also in whole milliseconds. A stream first recorded in the
 * millisecond of a collection therefore arrives with start == time, and a
 * value already counted. Measured against the real SDK: 90 to 121 of 600
 * new streams came out this way when four apps exported at once.
 *
 * Its start is after the sidecar started, so everything it counted happened
 * while the sidecar was watching: the first point must count in full, or
 * the release loses those measurements for good.
 */
const METRIC = 'orders.placed';
const TOLERANCE = 0.5;
const NANOS_PER_MILLI = 1_000_000n;

test('a cumulative stream whose first point has start == time, as the JS SDK sends it, counts in full', { timeout: 30_000 }, async (t) => {
  const backend = await OtlpBackend.start();
  t.after(() => backend.close());
  const sidecar = await SidecarProcess.start([
    '--window', '1s',
    '--epsilon', '1e9',
    '--clip', `${METRIC}=0:20`,
    '--output-temporality', 'delta',
    '--otlp-endpoint', backend.endpoint('http/protobuf'),
  ]);
  t.after(() => sidecar.kill());

  const tokens = makeTokens(20);
  const firstMillis = BigInt(Date.now());
  const first = firstMillis * NANOS_PER_MILLI;
  const later = (firstMillis + 300n) * NANOS_PER_MILLI;
  const points = (region: string, value: number) => tokens.map((token) => ({ attributes: [stringAttribute(TOKEN_ATTRIBUTE, token), stringAttribute('region', region)], value }));
  const cumulative = AggregationTemporality.CUMULATIVE;

  // eu starts in the millisecond of its first collection; us a millisecond earlier, the usual case.
  const firstExport = sumRequest([
    { metric: METRIC, points: points('eu', 3), temporality: cumulative, startTimeUnixNano: first, timeUnixNano: first },
    { metric: METRIC, points: points('us', 3), temporality: cumulative, startTimeUnixNano: first - NANOS_PER_MILLI, timeUnixNano: first },
  ]);
  const secondExport = sumRequest([
    { metric: METRIC, points: points('eu', 7), temporality: cumulative, startTimeUnixNano: first, timeUnixNano: later },
    { metric: METRIC, points: points('us', 7), temporality: cumulative, startTimeUnixNano: first - NANOS_PER_MILLI, timeUnixNano: later },
  ]);
  for (const request of [firstExport, secondExport]) {
    const result = await postMetrics(sidecar.httpMetricsUrl, request, 'protobuf');
    assert.equal(result.status, 200, result.text);
    assert.equal(result.response?.partialSuccess?.rejectedDataPoints ?? 0n, 0n, result.response?.partialSuccess?.errorMessage);
  }

  assert.deepEqual(await sidecar.stop(), { code: 0, signal: null }, sidecar.describe());
  const truth = new Map([
    ['eu', 7 * tokens.length],
    ['us', 7 * tokens.length],
  ]);
  assertTotalsWithin(releasedTotals(backend.requests, METRIC, 'region'), truth, TOLERANCE);
});
