import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { OtlpBackend } from '../support/otlp-backend.js';
import { assertConsecutiveWindows, windowOfRequest, windowText } from '../support/released-windows.js';
import { assertTotalsWithin, releasedTotals } from '../support/released-values.js';
import { makeTokens } from '../support/sdk-app.js';
import { SidecarProcess } from '../support/sidecar-process.js';
import { runSteadyWorkload } from '../support/steady-workload.js';

/**
 * The backend is down for 30 s while an application keeps sending: first
 * it drops every connection (15 s), then it answers 503 (15 s), then it
 * is back. The sidecar keeps taking data, queues the windows it releases
 * and, once the backend is back, delivers every one of them exactly once,
 * in order, with the values that were sent.
 */
const WINDOW_MILLIS = 1000;
const RESET_MILLIS = 15_000;
const UNAVAILABLE_MILLIS = 15_000;
const REQUEST_INTERVAL_MILLIS = 250;
/** The workload runs through the outage and 3 s beyond it. */
const REQUESTS = (RESET_MILLIS + UNAVAILABLE_MILLIS + 3_000) / REQUEST_INTERVAL_MILLIS;
/**
 * A token adds at most 9 per request and 5 requests fall in a window at
 * most, so 100 never clips; at ε = 1e9 that gives σ ≈ 0.01 per window.
 */
const FLAGS = [
  '--window', `${WINDOW_MILLIS}ms`, '--epsilon', '1e9', '--clip', '*=0:100', '--output-temporality', 'delta',
  '--retry-initial-interval', '500ms', '--retry-max-interval', '2s',
];
const METRIC = 'e2e.outage.requests';
const TOLERANCE = 0.5;

test('backend down 30 s, then up: every window delivered exactly once, in order, with its values', { timeout: 90_000 }, async (t) => {
  const backend = await OtlpBackend.start();
  t.after(() => backend.close());
  backend.fault = { kind: 'reset' };
  const sidecar = await SidecarProcess.start([...FLAGS, '--otlp-endpoint', backend.endpoint('http/protobuf')]);
  t.after(() => sidecar.kill());

  const workload = runSteadyWorkload({ url: sidecar.httpMetricsUrl, metric: METRIC, tokens: makeTokens(3), routes: ['/a', '/b'], requests: REQUESTS, intervalMillis: REQUEST_INTERVAL_MILLIS });
  // Each phase lasts its full time, and ends only once the sidecar has been seen to run into it.
  await sleep(RESET_MILLIS);
  await backend.waitFor((b) => b.refused.length > 0, { what: 'a delivery attempt dropped while the backend resets connections' });
  const resets = backend.refused.length;
  backend.fault = { kind: 'status', httpStatus: 503, grpcCode: grpc.status.UNAVAILABLE, message: 'backend unavailable' };
  await sleep(UNAVAILABLE_MILLIS);
  await backend.waitFor((b) => b.refused.length > resets, { what: 'a delivery attempt answered 503' });
  const refusals = backend.refused.length;
  backend.fault = undefined;
  const upAt = Date.now();
  const { truth, problems } = await workload;
  assert.deepEqual(problems, [], 'the sidecar refused the application while the backend was down');

  // Everything released up to now must arrive once the retry backoff (≤ 2 s + jitter) has run out.
  const lastWindowEnd = BigInt(Math.floor(Date.now() / WINDOW_MILLIS) * WINDOW_MILLIS) * 1_000_000n;
  await backend.waitFor((b) => b.requests.some((r) => windowOfRequest(r).endUnixNano >= lastWindowEnd), {
    what: `the window ending ${new Date(Number(lastWindowEnd / 1_000_000n)).toISOString()} at the backend`,
    timeoutMillis: 15_000,
  });
  assert.deepEqual(await sidecar.stop(), { code: 0, signal: null }, sidecar.describe());

  assert.deepEqual(backend.failures, []);
  const windows = backend.requests.map(windowOfRequest);
  t.diagnostic(`${windows.length} windows delivered (${windowText(windows[0])} … ${windowText(windows[windows.length - 1])}); ${refusals} attempts refused during the outage`);
  assertConsecutiveWindows(windows, WINDOW_MILLIS);
  const heldBack = windows.filter((w) => w.endUnixNano <= BigInt(upAt) * 1_000_000n).length;
  assert.ok(heldBack >= 25, `only ${heldBack} windows were released during the 30 s outage`);
  assertTotalsWithin(releasedTotals(backend.requests, METRIC, 'http.route'), truth, TOLERANCE, sidecar.describe());
});
