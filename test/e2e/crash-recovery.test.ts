import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { OtlpBackend } from '../support/otlp-backend.js';
import { withoutUndefined } from '../support/otlp-requests.js';
import { queuedBatchCount, queuedBatchFiles } from '../support/queue-files.js';
import { assertConsecutiveWindows, windowOfRequest, windowText } from '../support/released-windows.js';
import { makeTokens } from '../support/sdk-app.js';
import { SidecarProcess } from '../support/sidecar-process.js';
import { runSteadyWorkload } from '../support/steady-workload.js';
import { waitUntil } from '../support/wait.js';

/**
 * `kill -9` with windows waiting on disk: with `--exporter-queue-dir` a
 * released window is fsynced before the processor moves on, so a sidecar
 * killed while its backend is down loses none of them. A new sidecar on the
 * same directory sends each one, exactly as it was released, once.
 */
const WINDOW_MILLIS = 1000;
const FLAGS = [
  '--window', `${WINDOW_MILLIS}ms`, '--epsilon', '1e9', '--clip', '*=0:100', '--output-temporality', 'delta',
  '--retry-initial-interval', '200ms', '--retry-max-interval', '1s',
];
const METRIC = 'e2e.crash.requests';
const WINDOWS_BEFORE_CRASH = 4;

test('kill -9 while the backend is down, then restart on the same queue directory: every window on disk delivered once', { timeout: 90_000 }, async (t) => {
  const queueDir = await mkdtemp(join(tmpdir(), 'otel-dp-e2e-queue-'));
  t.after(() => rm(queueDir, { recursive: true, force: true }));
  const backend = await OtlpBackend.start();
  t.after(() => backend.close());
  backend.fault = { kind: 'reset' };
  const flags = [...FLAGS, '--exporter-queue-dir', queueDir, '--otlp-endpoint', backend.endpoint('http/protobuf')];

  const first = await SidecarProcess.start(flags);
  t.after(() => first.kill());
  const startedAt = Date.now();
  const workload = runSteadyWorkload({ url: first.httpMetricsUrl, metric: METRIC, tokens: makeTokens(3), routes: ['/a', '/b'], requests: 24, intervalMillis: 250 });
  await waitUntil(() => queuedBatchCount(queueDir) >= WINDOWS_BEFORE_CRASH, { what: `${WINDOWS_BEFORE_CRASH} batch files in ${queueDir}`, timeoutMillis: 20_000 });
  const killedAt = Date.now();
  assert.deepEqual(await first.killAndWait(), { code: null, signal: 'SIGKILL' });
  const { problems } = await workload;
  // Requests after the kill fail; those before it must have been taken.
  assert.ok(problems.every((p) => /fetch failed|ECONNREFUSED|other side closed/.test(p)), problems.join('\n'));
  assert.ok(backend.refused.length > 0, 'the first sidecar never tried the backend');
  assert.equal(backend.received.length, 0);

  const onDisk = queuedBatchFiles(queueDir);
  const diskWindows = onDisk.map((file) => windowOfRequest(file.request));
  t.diagnostic(`${onDisk.length} windows on disk at the crash: ${diskWindows.map(windowText).join(', ')}`);
  assert.ok(onDisk.length >= WINDOWS_BEFORE_CRASH);
  assertConsecutiveWindows(diskWindows, WINDOW_MILLIS);
  // From the window of the first request (or the next, had it arrived on the edge) to the last one closed a second before the kill.
  const windowStart = (millis: number) => BigInt(Math.floor(millis / WINDOW_MILLIS) * WINDOW_MILLIS) * 1_000_000n;
  const firstStart = diskWindows[0].startUnixNano;
  assert.ok(firstStart === windowStart(startedAt) || firstStart === windowStart(startedAt + WINDOW_MILLIS), `the first window on disk starts late: ${windowText(diskWindows[0])}`);
  assert.ok(diskWindows[diskWindows.length - 1].endUnixNano >= windowStart(killedAt - WINDOW_MILLIS), `windows released before the kill are missing on disk`);

  backend.fault = undefined;
  const second = await SidecarProcess.start(flags);
  t.after(() => second.kill());
  await backend.waitFor((b) => b.received.length >= onDisk.length, { what: `${onDisk.length} replayed windows at the backend`, timeoutMillis: 20_000 });
  assert.deepEqual(await second.stop(), { code: 0, signal: null }, second.describe());

  assert.deepEqual(backend.failures, []);
  const received = backend.requests.map(windowOfRequest).map(windowText);
  assert.deepEqual(received, diskWindows.map(windowText), 'the backend got other windows than those on disk, or one twice');
  onDisk.forEach((file, i) => assert.deepEqual(withoutUndefined(backend.requests[i]), withoutUndefined(file.request), `${received[i]} arrived changed`));
  assert.deepEqual(queuedBatchFiles(queueDir), [], 'batch files left after delivery');
  const replay = second.logLines().find((line) => line.msg === 'export queue: replaying batches from disk');
  assert.equal(replay?.batches, onDisk.length, second.describe());
});
