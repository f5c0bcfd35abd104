import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { countDataPoints } from '@otel-dp/otlp';
import { metricTotal, scrapeMetrics } from '../support/admin-endpoint.js';
import { awayFromWindowEdge } from '../support/flood-requests.js';
import { OtlpBackend } from '../support/otlp-backend.js';
import { assertConsecutiveWindows, windowOfRequest, windowText } from '../support/released-windows.js';
import { assertTotalsWithin, releasedTotals } from '../support/released-values.js';
import { makeTokens } from '../support/sdk-app.js';
import { SidecarProcess } from '../support/sidecar-process.js';
import { runSteadyWorkload } from '../support/steady-workload.js';
import { GoodTraffic } from '../support/still-serving.js';

/**
 * What the sidecar does when the way out fails: a window still open at
 * SIGTERM is released and delivered; a backend that refuses data for good
 * is not retried, and the loss is logged and counted; a queue that
 * overflows while the backend is down drops whole windows, each logged and
 * counted, and delivers the rest once the backend is back.
 */
const NEAR_NOISELESS_FLAGS = ['--epsilon', '1e9', '--clip', '*=0:100', '--output-temporality', 'delta'];
const METRIC = 'e2e.faults.requests';
const ROUTES = ['/a', '/b'];
const TOLERANCE = 0.5;
const HOUR_MILLIS = 3_600_000;

async function startPair(t: TestContext, flags: string[]): Promise<{ backend: OtlpBackend; sidecar: SidecarProcess }> {
  const backend = await OtlpBackend.start();
  t.after(() => backend.close());
  const sidecar = await SidecarProcess.start([...NEAR_NOISELESS_FLAGS, ...flags, '--otlp-endpoint', backend.endpoint('http/protobuf')]);
  t.after(() => sidecar.kill());
  return { backend, sidecar };
}

function logsWith(sidecar: SidecarProcess, msg: string): Record<string, unknown>[] {
  return sidecar.logLines().filter((line) => line.msg === msg);
}

describe('export faults', { concurrency: true }, () => {
  test('SIGTERM in the middle of a one-hour window: the window is released, delivered, and the exit status is 0', { timeout: 60_000 }, async (t) => {
    await awayFromWindowEdge(HOUR_MILLIS, 30_000);
    const { backend, sidecar } = await startPair(t, ['--window', '1h']);
    const { truth, problems } = await runSteadyWorkload({ url: sidecar.httpMetricsUrl, metric: METRIC, tokens: makeTokens(3), routes: ROUTES, requests: 4, intervalMillis: 100 });
    assert.deepEqual(problems, []);
    const hourStart = BigInt(Math.floor(Date.now() / HOUR_MILLIS) * HOUR_MILLIS) * 1_000_000n;
    assert.equal(backend.received.length, 0, 'a window was released before its end');

    const signalled = performance.now();
    assert.deepEqual(await sidecar.stop(), { code: 0, signal: null }, sidecar.describe());
    // The CLI promises to finish within 10 s of SIGTERM.
    assert.ok(performance.now() - signalled < 10_000, `exit took ${(performance.now() - signalled).toFixed(0)} ms`);
    assert.deepEqual(backend.requests.map(windowOfRequest), [{ startUnixNano: hourStart, endUnixNano: hourStart + BigInt(HOUR_MILLIS) * 1_000_000n }]);
    assertTotalsWithin(releasedTotals(backend.requests, METRIC, 'http.route'), truth, TOLERANCE);
  });

  test('backend answering 400: each window tried once, logged and counted as failed, the sidecar keeps serving', { timeout: 60_000 }, async (t) => {
    const { backend, sidecar } = await startPair(t, ['--window', '1s', '--retry-initial-interval', '100ms', '--retry-max-interval', '200ms']);
    backend.fault = { kind: 'status', httpStatus: 400, grpcCode: grpc.status.INVALID_ARGUMENT, message: 'refused for good by the e2e backend' };
    const { problems } = await runSteadyWorkload({ url: sidecar.httpMetricsUrl, metric: METRIC, tokens: makeTokens(3), routes: ROUTES, requests: 12, intervalMillis: 250 });
    assert.deepEqual(problems, []);
    // The queue hands the exporter one window at a time, so a retry of the first three would reach the backend before the fourth.
    await backend.waitFor((b) => b.refused.length >= 4, { what: '4 windows refused by the backend', timeoutMillis: 10_000 });

    // A window is refused every second: read the backend, the counters and the log again (bounded) until they describe one moment.
    const snapshot = async () => ({ refused: [...backend.refused], samples: await scrapeMetrics(sidecar.adminUrl), failedLines: logsWith(sidecar, 'export failed, batch dropped') });
    const agrees = (s: Awaited<ReturnType<typeof snapshot>>) =>
      s.failedLines.length === s.refused.length && metricTotal(s.samples, 'otelcol_exporter_send_failed_batches_total') === s.refused.length;
    let seen = await snapshot();
    for (let i = 0; i < 10 && !agrees(seen); i++) {
      await sleep(100);
      seen = await snapshot();
    }
    const { refused, samples, failedLines } = seen;
    await new GoodTraffic(makeTokens(3)).assertStillServing(sidecar, 'a backend answering 400');
    assert.deepEqual(await sidecar.stop(), { code: 0, signal: null }, sidecar.describe());

    const windows = refused.map((r) => windowOfRequest(r.request));
    assertConsecutiveWindows(windows, 1000);
    assert.equal(backend.received.length, 0);
    assert.equal(metricTotal(samples, 'otelcol_exporter_send_failed_batches_total', { exporter: 'otlp' }), refused.length);
    assert.equal(
      metricTotal(samples, 'otelcol_exporter_send_failed_metric_points_total', { exporter: 'otlp' }),
      refused.reduce((sum, r) => sum + countDataPoints(r.request), 0),
    );
    assert.equal(metricTotal(samples, 'otelcol_exporter_sent_batches_total', { exporter: 'otlp' }), 0);
    assert.equal(failedLines.length, refused.length, `one error line per failed window\n${sidecar.describe()}`);
    for (const line of failedLines) {
      assert.equal(line.code, 'EXPORT_PERMANENT');
      assert.match(String(line.error), /400.*refused for good by the e2e backend/);
    }
  });

  test('--exporter-queue-size 1 with the backend down: overflowing windows dropped, each logged and counted; the rest delivered', { timeout: 60_000 }, async (t) => {
    const { backend, sidecar } = await startPair(t, ['--window', '500ms', '--exporter-queue-size', '1', '--retry-initial-interval', '1s', '--retry-max-interval', '2s']);
    backend.fault = { kind: 'reset' };
    const { truth, problems } = await runSteadyWorkload({ url: sidecar.httpMetricsUrl, metric: METRIC, tokens: makeTokens(3), routes: ROUTES, requests: 16, intervalMillis: 250 });
    assert.deepEqual(problems, [], 'a full export queue must not push back on the application');
    await sidecar.waitForLog((line) => line.msg === 'export queue is full, batch dropped', 'a full queue warning');
    backend.fault = undefined;
    const upAt = Date.now();
    await backend.waitFor((b) => b.requests.some((r) => windowOfRequest(r).startUnixNano >= BigInt(upAt) * 1_000_000n), {
      what: 'a window released after the backend came back',
      timeoutMillis: 15_000,
    });
    const samples = await scrapeMetrics(sidecar.adminUrl);
    assert.deepEqual(await sidecar.stop(), { code: 0, signal: null }, sidecar.describe());

    const dropped = metricTotal(samples, 'otelcol_exporter_enqueue_failed_batches_total', { exporter: 'otlp' });
    const droppedLines = logsWith(sidecar, 'export queue is full, batch dropped');
    assert.ok(dropped >= 1);
    assert.equal(droppedLines.length, dropped, 'one warning per dropped window');
    assert.equal(
      metricTotal(samples, 'otelcol_exporter_enqueue_failed_metric_points_total', { exporter: 'otlp' }),
      droppedLines.reduce((sum, line) => sum + Number(line.dataPoints), 0),
    );
    assert.equal(metricTotal(samples, 'otelcol_exporter_queue_capacity', { exporter: 'otlp' }), 1);

    // Every window from the first to the last is either at the backend or counted as dropped.
    const windows = backend.requests.map(windowOfRequest);
    const texts = windows.map(windowText);
    assert.equal(new Set(texts).size, texts.length, `a window arrived twice:\n${texts.join('\n')}`);
    const span = Number((windows[windows.length - 1].endUnixNano - windows[0].startUnixNano) / 500_000_000n);
    assert.equal(span, windows.length + dropped, `${span} windows from the first to the last, ${windows.length} delivered, ${dropped} counted as dropped\n${texts.join('\n')}`);
    // What was delivered is what was sent, less the dropped windows: never more.
    for (const [route, value] of releasedTotals(backend.requests, METRIC, 'http.route')) assert.ok(value <= truth.get(route)! + TOLERANCE, `${route}: released ${value} of ${truth.get(route)}`);
    assertConsecutiveWindows(windows.filter((w) => w.startUnixNano >= BigInt(upAt) * 1_000_000n), 500);
  });
});
