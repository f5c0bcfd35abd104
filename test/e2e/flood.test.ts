import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { encodeMetricsRequest } from '@otel-dp/otlp';
import { adminStatus, metricTotal, scrapeMetrics } from '../support/admin-endpoint.js';
import { awayFromWindowEdge, floodRequest, secondsToWindowEnd, type FloodSlice } from '../support/flood-requests.js';
import { OtlpBackend } from '../support/otlp-backend.js';
import { postMetrics } from '../support/otlp-requests.js';
import { MIB, residentSetBytes, ResidentSetSampler } from '../support/process-memory.js';
import { answerMessage, grpcExportBytes, sendHttp } from '../support/raw-otlp.js';
import { releasedPoints } from '../support/released-values.js';
import { ROUTE_ATTRIBUTE } from '../support/sdk-app.js';
import { SidecarProcess } from '../support/sidecar-process.js';
import { waitUntil } from '../support/wait.js';

/**
 * Floods of new tokens and series. Past `--max-tokens` or `--max-series`
 * the open window refuses whole requests with a retryable answer (HTTP 429
 * with Retry-After, gRPC RESOURCE_EXHAUSTED with RetryInfo) that says when
 * it rotates, counts them, and keeps exactly the capped amount; memory
 * stays under a bound set by the caps however large the flood.
 */
const HOUR_MILLIS = 3_600_000;
/** The cap tests must not see their one-hour window rotate. */
const WINDOW_EDGE_MARGIN_MILLIS = 30_000;
const NEAR_NOISELESS_FLAGS = ['--epsilon', '1e9', '--clip', '*=0:10', '--output-temporality', 'delta'];
const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const WINDOW_FULL = /the open window holds its most tokens, series or \(token, series\) entries, or its most bytes/;

async function startPair(t: TestContext, flags: string[]): Promise<{ backend: OtlpBackend; sidecar: SidecarProcess }> {
  const backend = await OtlpBackend.start();
  t.after(() => backend.close());
  const sidecar = await SidecarProcess.start([...flags, '--otlp-endpoint', backend.endpoint('http/protobuf')]);
  t.after(() => sidecar.kill());
  return { backend, sidecar };
}

async function postSlice(sidecar: SidecarProcess, slice: FloodSlice): Promise<{ status: number; rejected: bigint; message: string }> {
  const result = await postMetrics(sidecar.httpMetricsUrl, floodRequest(slice), 'protobuf');
  return { status: result.status, rejected: result.response?.partialSuccess?.rejectedDataPoints ?? 0n, message: result.response?.partialSuccess?.errorMessage ?? result.text };
}

/**
 * The window is full: HTTP 429 and gRPC RESOURCE_EXHAUSTED, both telling
 * the client to come back when the window rotates (±2 s), and both counted.
 */
async function assertRefusedUntilRotation(sidecar: SidecarProcess, slice: FloodSlice): Promise<void> {
  const answer = await sendHttp(sidecar.httpMetricsUrl, { headers: PROTOBUF, body: encodeMetricsRequest(floodRequest(slice)) });
  const untilRotation = secondsToWindowEnd(HOUR_MILLIS);
  assert.equal(answer.status, 429, answerMessage(answer));
  assert.match(answerMessage(answer), WINDOW_FULL);
  const retryAfter = Number(answer.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && Math.abs(retryAfter - untilRotation) <= 2, `Retry-After ${answer.headers['retry-after']}, the window rotates in ${untilRotation} s`);

  const grpcAnswer = await grpcExportBytes(`127.0.0.1:${sidecar.grpcPort}`, encodeMetricsRequest(floodRequest({ ...slice, first: slice.first + slice.count })));
  assert.equal(grpcAnswer.code, grpc.status.RESOURCE_EXHAUSTED, grpcAnswer.details);
  assert.match(grpcAnswer.details, WINDOW_FULL);
  const delay = grpcAnswer.retryDelaySeconds ?? NaN;
  assert.ok(Math.abs(delay - secondsToWindowEnd(HOUR_MILLIS)) <= 2, `RetryInfo delay ${delay} s, the window rotates in ${secondsToWindowEnd(HOUR_MILLIS)} s`);

  const samples = await scrapeMetrics(sidecar.adminUrl);
  assert.equal(metricTotal(samples, 'otel_dp_processor_refused_requests_total'), 2, 'one HTTP and one gRPC request refused');
  assert.equal(metricTotal(samples, 'otelcol_receiver_requests_total', { outcome: 'refused' }), 2);
  assert.equal(await adminStatus(sidecar.adminUrl, '/healthz'), 200);
}

describe('floods of tokens and series', { concurrency: true }, () => {
  test('more distinct tokens than --max-tokens: the first 1000 kept, then 429 / RESOURCE_EXHAUSTED until the window rotates', { timeout: 60_000 }, async (t) => {
    await awayFromWindowEdge(HOUR_MILLIS, WINDOW_EDGE_MARGIN_MILLIS);
    const { backend, sidecar } = await startPair(t, [...NEAR_NOISELESS_FLAGS, '--window', '1h', '--max-tokens', '1000']);
    const metric = 'e2e.flood.tokens';

    assert.deepEqual(await postSlice(sidecar, { metric, first: 0, count: 600 }), { status: 200, rejected: 0n, message: '' });
    const over = await postSlice(sidecar, { metric, first: 600, count: 600 });
    assert.equal(over.status, 200);
    assert.equal(over.rejected, 200n, over.message);
    assert.match(over.message, /^200 data points were dropped because the window holds its most tokens/);
    await assertRefusedUntilRotation(sidecar, { metric, first: 1200, count: 10 });

    assert.deepEqual(await sidecar.stop(), { code: 0, signal: null }, sidecar.describe());
    const values = releasedPoints(backend.requests, metric).map((p) => p.value);
    assert.equal(values.length, 1, `released: ${values.join(', ')}`);
    assert.ok(Math.abs(values[0] - 1000) <= 0.5, `released ${values[0]}: the window kept other than 1000 tokens of value 1`);
  });

  test('more series than --max-series: the first 100 kept, then 429 / RESOURCE_EXHAUSTED until the window rotates', { timeout: 60_000 }, async (t) => {
    await awayFromWindowEdge(HOUR_MILLIS, WINDOW_EDGE_MARGIN_MILLIS);
    const { backend, sidecar } = await startPair(t, [...NEAR_NOISELESS_FLAGS, '--window', '1h', '--max-series', '100']);
    const metric = 'e2e.flood.series';
    // Point n: token n on route ⌊n/4⌋. Four tokens per series pass partition selection, one series per token stays within --max-series-per-token.
    const series = { metric, routeOf: (n: number) => `/flood/${Math.floor(n / 4)}` };

    assert.deepEqual(await postSlice(sidecar, { ...series, first: 0, count: 60 * 4 }), { status: 200, rejected: 0n, message: '' });
    const over = await postSlice(sidecar, { ...series, first: 60 * 4, count: 60 * 4 });
    assert.equal(over.status, 200);
    assert.equal(over.rejected, 20n * 4n, over.message);
    assert.match(over.message, /^80 data points were dropped because the window holds its most tokens, series/);
    await assertRefusedUntilRotation(sidecar, { ...series, first: 120 * 4, count: 4 });

    assert.deepEqual(await sidecar.stop(), { code: 0, signal: null }, sidecar.describe());
    const points = releasedPoints(backend.requests, metric);
    const routes = new Set(points.map((p) => p.attributes[ROUTE_ATTRIBUTE]));
    assert.deepEqual(routes, new Set(Array.from({ length: 100 }, (_, i) => `/flood/${i}`)), 'the released series are not the first 100');
    const off = points.filter((p) => Math.abs(p.value - 4) > 0.5);
    assert.deepEqual(off, [], 'a kept series lost or gained tokens');
  });

  /*
   * The memory bound, from the caps: RSS ≤ idle RSS + REQUEST_ROOM + PER_CAPPED_ENTRY × (max tokens + max series).
   *
   * - REQUEST_ROOM covers the requests in flight and the garbage their
   *   decoding leaves: +25 MiB measured for this flood with caps of 100
   *   (nearly every request refused), doubled and rounded up.
   * - PER_CAPPED_ENTRY covers a token's or series' state in the open window,
   *   in the window being released, and in the series directory, with the
   *   heap's slack: the same flood with caps of 10,000 measured peaks of
   *   +102 to +135 MiB over five runs (5.1 to 6.9 KiB per cap unit), so 8 KiB.
   *
   * With caps of 10,000 the bound is idle + 64 + 156 MiB (≈ 295 MiB here).
   * Uncapped (caps of 1,000,000) the same 200,000-token flood measured a
   * peak of 466 MiB, all of it still held after the flood: the bound tells
   * the two apart. Figures: Node 20, 2 cores under load.
   */
  const REQUEST_ROOM_BYTES = 64 * MIB;
  const PER_CAPPED_ENTRY_BYTES = 8 * 1024;
  const CAP = 10_000;
  const FLOOD_TOKENS = 200_000;
  const POINTS_PER_REQUEST = 2_000;
  const SENDERS = 4;

  test(`RSS stays under the bound set by the caps during a flood of ${FLOOD_TOKENS} new tokens and series (caps ${CAP})`, { timeout: 90_000 }, async (t) => {
    const { sidecar } = await startPair(t, ['--window', '1s', '--max-tokens', String(CAP), '--max-series', String(CAP)]);
    const metric = 'e2e.flood.memory';
    const newSeriesPerPoint = { metric, routeOf: (n: number) => `/flood/${n}` };
    // One small request first, so start-up allocations are in the idle figure.
    assert.equal((await postSlice(sidecar, { ...newSeriesPerPoint, first: FLOOD_TOKENS, count: 10 })).status, 200);
    const idle = residentSetBytes(sidecar.pid);
    const bound = idle + REQUEST_ROOM_BYTES + PER_CAPPED_ENTRY_BYTES * (CAP + CAP);

    const sampler = new ResidentSetSampler(sidecar.pid);
    const statuses = new Map<number, number>();
    let next = 0;
    const sender = async (): Promise<void> => {
      for (let i = next++; i * POINTS_PER_REQUEST < FLOOD_TOKENS; i = next++) {
        const { status } = await postSlice(sidecar, { ...newSeriesPerPoint, first: i * POINTS_PER_REQUEST, count: POINTS_PER_REQUEST });
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: SENDERS }, sender));
    const floodMillis = performance.now() - started;
    const peak = sampler.stop();
    t.diagnostic(`idle ${(idle / MIB).toFixed(1)} MiB, peak ${(peak / MIB).toFixed(1)} MiB, bound ${(bound / MIB).toFixed(1)} MiB; ${sampler.samples} samples over ${floodMillis.toFixed(0)} ms; answers ${JSON.stringify(Object.fromEntries(statuses))}`);

    assert.ok(peak <= bound, `peak RSS ${(peak / MIB).toFixed(1)} MiB over the bound ${(bound / MIB).toFixed(1)} MiB`);
    assert.deepEqual([...statuses.keys()].sort(), [200, 429], 'the flood should be partly taken and partly refused');
    const samples = await scrapeMetrics(sidecar.adminUrl);
    assert.equal(metricTotal(samples, 'otel_dp_processor_refused_requests_total'), statuses.get(429), 'every 429 is counted');
    assert.equal(await adminStatus(sidecar.adminUrl, '/healthz'), 200);
    // The window that refused the flood is a second long; once it has rotated, data is taken again.
    let answer: Awaited<ReturnType<typeof postSlice>> | undefined;
    const notRefused = async (): Promise<boolean> => {
      answer = await postSlice(sidecar, { metric, first: 0, count: 10 });
      return answer.status !== 429;
    };
    await waitUntil(notRefused, { what: () => `the window to rotate (last answer ${answer?.status}: ${answer?.message})`, timeoutMillis: 5_000, intervalMillis: 100 });
    assert.deepEqual(answer, { status: 200, rejected: 0n, message: '' });
    assert.deepEqual(await sidecar.stop(), { code: 0, signal: null }, sidecar.describe());
  });
});
