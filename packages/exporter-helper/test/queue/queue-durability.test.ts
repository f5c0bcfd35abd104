import assert from 'node:assert/strict';
import { execFileSync, fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { BatchExporter, ExportBatch } from '@otel-dp/pipeline';
import { markerOf, OtlpHttpTestServer, sampleRequest } from '@otel-dp/otlp/testing';
import { RecordingLogger, waitFor } from '@otel-dp/pipeline/testing';
import { ExporterError, QueuedExporter } from '../../src/index.js';
import { FAST_RETRY } from '../../src/testing.js';
import { httpExporter } from '../support/http-exporter.js';
import { batchFiles, tempDir } from '../support/queue-dirs.js';

const servers: OtlpHttpTestServer[] = [];
const children: ChildProcess[] = [];
after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(servers.map((server) => server.close()));
});

/** Accepts batches only while open, holding the others until it opens; records the markers of what it accepted. */
class GatedExporter implements BatchExporter {
  readonly markers: number[] = [];
  private opened = false;
  private readonly waiting: Array<() => void> = [];

  open(): void {
    this.opened = true;
    for (const wake of this.waiting.splice(0)) wake();
  }

  close(): void {
    this.opened = false;
  }

  async export(batch: ExportBatch): Promise<void> {
    if (!this.opened) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.markers.push(markerOf(batch.request));
  }
}

function startChild(script: string, args: string[]): { child: ChildProcess; messages: Array<Record<string, unknown>> } {
  const child = fork(new URL(script, import.meta.url), args, { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  const messages: Array<Record<string, unknown>> = [];
  child.on('message', (message: Record<string, unknown>) => messages.push(message));
  return { child, messages };
}

function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

test('a batch file copied under another name is delivered once; the copy is removed with a warning', async () => {
  const dir = await tempDir();
  const down = new OtlpHttpTestServer(() => ({ status: 503 }));
  servers.push(down);
  const endpoint = await down.start();
  const otlp = httpExporter(endpoint, { ...FAST_RETRY, maxElapsedMillis: 0 });
  const first = new QueuedExporter(otlp, { name: 'otlp', queueDir: dir, drainMillis: 0 });
  await first.start();
  for (const marker of [1, 2]) await first.export({ request: sampleRequest(marker) });
  await first.shutdown();
  const [one, two] = await batchFiles(dir);
  assert.deepEqual([one, two], ['0000000000000001.batch', '0000000000000002.batch']);
  // A copy sorting after its original, and one sorting before every file.
  await copyFile(join(dir, one), join(dir, '0000000000000007.batch'));
  await copyFile(join(dir, two), join(dir, '0000000000000000.batch'));

  const logger = new RecordingLogger();
  const sink = new GatedExporter();
  sink.open();
  const second = new QueuedExporter(sink, { name: 'otlp', queueDir: dir }, { logger });
  await second.start();
  await waitFor(() => second.stats().sentBatches === 2 && second.stats().inFlightBatches === 0, 'the two batches');
  await second.shutdown();
  assert.deepEqual(sink.markers, [1, 2], 'each batch once, in order');
  const copies = logger.records.filter((record) => record.message === 'export queue: removing a copy of a batch file, so that the batch is delivered once');
  assert.deepEqual(
    copies.map((record) => [record.level, record.fields?.file, record.fields?.original]),
    [
      ['warn', '0000000000000000.batch', two],
      ['warn', '0000000000000007.batch', one],
    ],
  );
  assert.deepEqual(await readdir(dir), []);
});

test('a stale lock whose pid now belongs to an unrelated live process is taken over', async () => {
  const dir = await tempDir();
  const first = new QueuedExporter(new GatedExporter(), { name: 'otlp', queueDir: dir });
  await first.start();
  const lockText = await readFile(join(dir, 'queue.lock'), 'utf8');
  await first.shutdown();

  // An unrelated process that got the dead owner's pid: written into the lock in place of ours.
  const unrelated = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  children.push(unrelated);
  assert.ok(unrelated.pid !== undefined);
  await writeFile(join(dir, 'queue.lock'), lockText.replace(String(process.pid), String(unrelated.pid)));

  const logger = new RecordingLogger();
  const second = new QueuedExporter(new GatedExporter(), { name: 'otlp', queueDir: dir }, { logger });
  await second.start();
  assert.ok(logger.records.some((record) => record.level === 'warn' && record.message === 'export queue: taking over a lock whose pid now belongs to another process'));
  assert.equal(JSON.parse(await readFile(join(dir, 'queue.lock'), 'utf8')).pid, process.pid);
  await second.shutdown();
  await kill9(unrelated);
});

test('a lock held by its live owner still refuses a second process; once the owner is killed it is taken over', { timeout: 20_000 }, async () => {
  const dir = await tempDir();
  const { child, messages } = startChild('../support/queue-crash-child.js', [dir, 'http://127.0.0.1:9/v1/metrics']);
  await waitFor(() => messages.some((message) => message.ready === true), 'the child queue to start', 10_000);
  const queue = new QueuedExporter(new GatedExporter(), { name: 'otlp', queueDir: dir });
  await assert.rejects(queue.start(), (error: unknown) => error instanceof ExporterError && new RegExp(`in use by process ${child.pid}`).test(error.message));
  await kill9(child);
  const logger = new RecordingLogger();
  const next = new QueuedExporter(new GatedExporter(), { name: 'otlp', queueDir: dir }, { logger });
  await next.start();
  assert.ok(logger.records.some((record) => record.message === 'export queue: taking over the lock of a process that is gone'));
  await next.shutdown();
});

test('a batch that cannot be written (queue directory gone) is kept in memory, written once the directory is back, and delivered once', async () => {
  const parent = await tempDir();
  const dir = join(parent, 'queue');
  const logger = new RecordingLogger();
  const sink = new GatedExporter();
  const queue = new QueuedExporter(sink, { name: 'otlp', queueDir: dir }, { logger });
  await queue.start();
  await queue.export({ request: sampleRequest(1) });
  await rm(dir, { recursive: true });

  // The old queue rejected these with "could not be written" and dropped them.
  await queue.export({ request: sampleRequest(2) });
  await queue.export({ request: sampleRequest(3) });
  const stats = queue.stats();
  assert.equal(stats.enqueueFailedBatches, 0, 'nothing dropped');
  assert.equal(stats.queueSize + stats.inFlightBatches, 3, 'all three queued');
  const kept = logger.records.filter((record) => record.message === 'export queue: batch could not be written to disk, kept in memory; writing it again later');
  assert.equal(kept.length, 2);
  assert.match(String(kept[0].fields?.error), /ENOENT/);

  await mkdir(dir);
  const rewritten = (): boolean => logger.records.some((record) => record.message === 'export queue: batches kept in memory are written to disk');
  await waitFor(rewritten, 'the kept batches to be written again');
  assert.deepEqual(await batchFiles(dir), ['0000000000000002.batch', '0000000000000003.batch']);

  sink.open();
  await waitFor(() => queue.stats().sentBatches === 3 && queue.stats().inFlightBatches === 0, 'all three delivered');
  await queue.shutdown();
  assert.deepEqual(sink.markers, [1, 2, 3], 'in order, each once');
  assert.deepEqual(await batchFiles(dir), [], 'delivered files are deleted');
});

test('a batch kept in memory is delivered from memory even while its file still cannot be written, and leaves no file behind', async () => {
  const parent = await tempDir();
  const dir = join(parent, 'queue');
  const logger = new RecordingLogger();
  const sink = new GatedExporter();
  const queue = new QueuedExporter(sink, { name: 'otlp', queueDir: dir }, { logger });
  await queue.start();
  await rm(dir, { recursive: true });
  await queue.export({ request: sampleRequest(1) });
  sink.open();
  await waitFor(() => queue.stats().sentBatches === 1 && queue.stats().inFlightBatches === 0, 'delivery from memory');
  // A second unsaved batch, held in flight: the write retry that saves it is one that ran with the directory back.
  sink.close();
  await queue.export({ request: sampleRequest(2) });
  await mkdir(dir);
  const saved = (): boolean => logger.records.some((record) => record.message === 'export queue: batches kept in memory are written to disk');
  await waitFor(saved, 'the write retry to save the held batch');
  assert.deepEqual(await batchFiles(dir), ['0000000000000002.batch'], 'the delivered batch is not written back');
  sink.open();
  await waitFor(() => queue.stats().sentBatches === 2 && queue.stats().inFlightBatches === 0, 'delivery of the held batch');
  await queue.shutdown();
  assert.deepEqual(sink.markers, [1, 2]);
  assert.deepEqual(await batchFiles(dir), [], 'no batch file is left behind');
});

const prlimit = spawnSync('prlimit', ['--version']).status === 0;

test('EMFILE: a queue process out of file descriptors keeps the batch, and delivers it once descriptors are free again', { skip: !prlimit && 'prlimit (util-linux) is not installed', timeout: 30_000 }, async () => {
  const dir = await tempDir();
  const server = new OtlpHttpTestServer(() => ({ status: 200 }));
  servers.push(server);
  const endpoint = await server.start();
  const { child, messages } = startChild('../support/queue-crash-child.js', [dir, endpoint]);
  await waitFor(() => messages.some((message) => message.ready === true), 'the child queue to start', 10_000);
  const pid = String(child.pid);
  const hard = execFileSync('prlimit', ['--pid', pid, '--nofile', '--output', 'HARD', '--noheadings'], { encoding: 'utf8' }).trim();
  // A new descriptor takes the lowest free number; with the soft limit there, the next open() or socket() fails with EMFILE.
  const inUse = new Set((await readdir(`/proc/${pid}/fd`)).map(Number));
  let lowestFree = 0;
  while (inUse.has(lowestFree)) lowestFree++;
  execFileSync('prlimit', ['--pid', pid, `--nofile=${lowestFree}:${hard}`]);
  try {
    child.send({ marker: 1 });
    await waitFor(() => messages.some((message) => message.queued === 1 || message.failed === 1), 'the child to answer the export', 10_000);
    assert.deepEqual(messages.find((message) => message.failed === 1), undefined, 'export() must not fail for want of a descriptor');
    assert.equal(server.received.length, 0, 'nothing could be sent while no descriptor was free');
    assert.deepEqual(await batchFiles(dir), [], 'nor written');
  } finally {
    execFileSync('prlimit', ['--pid', pid, `--nofile=${hard}:${hard}`]);
  }
  await waitFor(() => server.received.length >= 1, 'the batch at the backend', 10_000);
  await waitFor(async () => (await batchFiles(dir)).length === 0, 'no file left behind', 10_000);
  await kill9(child);
  assert.deepEqual(server.received.map((received) => markerOf(received.request)), [1]);
});
