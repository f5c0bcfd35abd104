import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { awayFromWindowEdge } from '../support/flood-requests.js';
import { OtlpBackend } from '../support/otlp-backend.js';
import { queuedBatchCount, queuedBatchFiles } from '../support/queue-files.js';
import { windowOfRequest, windowText } from '../support/released-windows.js';
import { makeTokens } from '../support/sdk-app.js';
import { SidecarProcess } from '../support/sidecar-process.js';
import { runSteadyWorkload } from '../support/steady-workload.js';
import { waitUntil } from '../support/wait.js';

/**
 * What `otel-dp run` keeps on disk, the privacy ledger (`--state-dir`) and
 * the export queue (`--exporter-queue-dir`), faced with what happens to
 * disks: a ledger lost from its volume, a batch file copied, a lock left by
 * a process whose pid was reused, no file descriptor left.
 */
const WINDOW_MILLIS = 1000;
const COMMON_FLAGS = ['--epsilon', '1e9', '--clip', '*=0:100', '--output-temporality', 'delta', '--retry-initial-interval', '100ms', '--retry-max-interval', '500ms'];
const FLAGS = ['--window', `${WINDOW_MILLIS}ms`, ...COMMON_FLAGS];

async function tempDir(t: TestContext, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function backendFor(t: TestContext): Promise<OtlpBackend> {
  const backend = await OtlpBackend.start();
  t.after(() => backend.close());
  return backend;
}

function workload(sidecar: SidecarProcess, metric: string, requests: number) {
  return runSteadyWorkload({ url: sidecar.httpMetricsUrl, metric, tokens: makeTokens(3), routes: ['/a'], requests, intervalMillis: 200 });
}

test('a ledger deleted from a used --state-dir is refused at start; a new empty volume starts fresh and says so', { timeout: 60_000 }, async (t) => {
  const stateDir = await tempDir(t, 'otel-dp-e2e-state-');
  const backend = await backendFor(t);
  const flags = [...FLAGS, '--max-epsilon-horizon', '1e12', '--state-dir', stateDir, '--otlp-endpoint', backend.endpoint('http/protobuf')];
  const first = await SidecarProcess.start(flags);
  t.after(() => first.kill());
  const fresh = await first.waitForLog((line) => String(line.msg).startsWith('privacy budget starts fresh'), 'the fresh-start line');
  assert.equal(fresh.level, 'warn');
  assert.equal(fresh.reason, 'directory empty');
  assert.deepEqual(await first.stop(), { code: 0, signal: null }, first.describe());

  await rm(join(stateDir, 'privacy-ledger.json'));
  await assert.rejects(SidecarProcess.start(flags), /privacy-ledger\.json is missing, but .*\.otel-dp-state shows otel-dp has used this --state-dir/);
  assert.deepEqual(await readdir(stateDir), ['.otel-dp-state'], 'the refused start wrote nothing');
});

test('a batch file copied under another name in the queue directory is delivered once', { timeout: 60_000 }, async (t) => {
  const queueDir = await tempDir(t, 'otel-dp-e2e-queue-');
  const backend = await backendFor(t);
  backend.fault = { kind: 'reset' };
  const flags = [...FLAGS, '--exporter-queue-dir', queueDir, '--otlp-endpoint', backend.endpoint('http/protobuf')];
  const first = await SidecarProcess.start(flags);
  t.after(() => first.kill());
  const sent = workload(first, 'e2e.copy.requests', 10);
  await waitUntil(() => queuedBatchCount(queueDir) >= 2, { what: 'two batch files', timeoutMillis: 20_000 });
  await sent;
  assert.deepEqual(await first.stop(), { code: 0, signal: null }, first.describe());
  const onDisk = queuedBatchFiles(queueDir);
  const copied = join(dirname(onDisk[0].path), '0000000000009999.batch');
  copyFileSync(onDisk[0].path, copied);

  backend.fault = undefined;
  const second = await SidecarProcess.start(flags);
  t.after(() => second.kill());
  await backend.waitFor((b) => b.received.length >= onDisk.length, { what: `${onDisk.length} windows at the backend`, timeoutMillis: 20_000 });
  assert.deepEqual(await second.stop(), { code: 0, signal: null }, second.describe());
  assert.deepEqual(backend.requests.map(windowOfRequest).map(windowText), onDisk.map((file) => windowText(windowOfRequest(file.request))), 'each window once');
  const warning = second.logLines().find((line) => line.msg === 'export queue: removing a copy of a batch file, so that the batch is delivered once');
  assert.equal(warning?.file, basename(copied), second.describe());
  assert.equal(queuedBatchCount(queueDir), 0);
});

test('a queue lock left by a killed sidecar whose pid now belongs to an unrelated process does not block the next start', { timeout: 60_000 }, async (t) => {
  const queueDir = await tempDir(t, 'otel-dp-e2e-queue-');
  const backend = await backendFor(t);
  const flags = [...FLAGS, '--exporter-queue-dir', queueDir, '--otlp-endpoint', backend.endpoint('http/protobuf')];
  const first = await SidecarProcess.start(flags);
  t.after(() => first.kill());
  const killedPid = first.pid;
  assert.deepEqual(await first.killAndWait(), { code: null, signal: 'SIGKILL' });
  const lockPath = join(queueDir, 'otlp', 'queue.lock');
  const lock = await readFile(lockPath, 'utf8');
  assert.ok(lock.includes(String(killedPid)), lock);

  // The kernel hands the dead sidecar's pid to some other program: put a live unrelated pid in its place.
  const unrelated = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  t.after(() => unrelated.kill('SIGKILL'));
  await writeFile(lockPath, lock.replace(String(killedPid), String(unrelated.pid)));

  const second = await SidecarProcess.start(flags);
  t.after(() => second.kill());
  const takeover = await second.waitForLog((line) => line.msg === 'export queue: taking over a lock whose pid now belongs to another process', 'the takeover warning');
  assert.equal(takeover.previousPid, unrelated.pid);
  assert.deepEqual(await second.stop(), { code: 0, signal: null }, second.describe());
});

const prlimit = spawnSync('prlimit', ['--version']).status === 0;

test('EMFILE: a window released while the sidecar has no file descriptor left is kept and delivered once', { skip: !prlimit && 'prlimit (util-linux) is not installed', timeout: 60_000 }, async (t) => {
  const queueDir = await tempDir(t, 'otel-dp-e2e-queue-');
  const backend = await backendFor(t);
  const metric = 'e2e.emfile.requests';
  const sidecar = await SidecarProcess.start(['--window', '2s', ...COMMON_FLAGS, '--exporter-queue-dir', queueDir, '--otlp-endpoint', backend.endpoint('http/protobuf')]);
  t.after(() => sidecar.kill());
  await awayFromWindowEdge(2000, 1500);
  const { truth, problems } = await workload(sidecar, metric, 1);
  assert.deepEqual(problems, []);

  const pid = String(sidecar.pid);
  const hard = execFileSync('prlimit', ['--pid', pid, '--nofile', '--output', 'HARD', '--noheadings'], { encoding: 'utf8' }).trim();
  const inUse = new Set((await readdir(`/proc/${pid}/fd`)).map(Number));
  let lowestFree = 0;
  while (inUse.has(lowestFree)) lowestFree++;
  // With the soft limit at the lowest free descriptor number, every open() and socket() fails with EMFILE.
  execFileSync('prlimit', ['--pid', pid, `--nofile=${lowestFree}:${hard}`]);
  try {
    const kept = await sidecar.waitForLog((line) => line.msg === 'export queue: batch could not be written to disk, kept in memory; writing it again later', 'the window kept in memory');
    assert.match(String(kept.error), /EMFILE/);
  } finally {
    execFileSync('prlimit', ['--pid', pid, `--nofile=${hard}:${hard}`]);
  }
  await backend.waitFor((b) => b.requestsContaining(metric).length >= 1, { what: 'the window at the backend', timeoutMillis: 20_000 });
  assert.deepEqual(await sidecar.stop(), { code: 0, signal: null }, sidecar.describe());
  const windows = backend.requestsContaining(metric).map((received) => windowText(windowOfRequest(received.request)));
  assert.equal(new Set(windows).size, windows.length, `a window delivered twice: ${windows.join(', ')}`);
  // At ε = 1e9 the noise is far below 0.5: what arrives is what was sent, once.
  const released = backend.requestsContaining(metric).flatMap((received) => received.request.resourceMetrics[0].scopeMetrics[0].metrics[0].sum?.dataPoints ?? []);
  const total = released.reduce((sum, point) => sum + (point.asDouble ?? Number(point.asInt ?? 0n)), 0);
  assert.ok(Math.abs(total - (truth.get('/a') ?? 0)) < 0.5, `released ${total}, sent ${truth.get('/a')}`);
  assert.equal(sidecar.logLines().filter((line) => /dropped/.test(String(line.msg))).length, 0, sidecar.describe());
  assert.equal(queuedBatchCount(queueDir), 0);
});
