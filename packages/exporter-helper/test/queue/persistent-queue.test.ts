import assert from 'node:assert/strict';
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { BatchExporter, ExportBatch, WindowSummary } from '@otel-dp/pipeline';
import { markerOf, OtlpHttpTestServer, sampleRequest } from '@otel-dp/otlp/testing';
import { RecordingLogger, waitFor } from '@otel-dp/pipeline/testing';
import { ExporterError, QueuedExporter, RetryingExporter } from '../../src/index.js';
import { decodeBatchFile, encodeBatchFile } from '../../src/queue/batch-file.js';
import { FAST_RETRY } from '../../src/testing.js';
import { httpExporter } from '../support/http-exporter.js';
import { batchFiles, tempDir } from '../support/queue-dirs.js';

const servers: OtlpHttpTestServer[] = [];
after(() => Promise.all(servers.map((server) => server.close())));

function otlp(endpoint: string): RetryingExporter {
  return httpExporter(endpoint, { ...FAST_RETRY, maxElapsedMillis: 0 });
}

/** Records the markers of what it was given. */
class RecordingExporter implements BatchExporter {
  readonly markers: number[] = [];
  readonly batches: ExportBatch[] = [];
  async export(batch: ExportBatch): Promise<void> {
    this.batches.push(batch);
    this.markers.push(markerOf(batch.request));
  }
}

const SUMMARY: WindowSummary = {
  windowStartUnixNano: 1_714_564_800_000_000_000n,
  windowEndUnixNano: 1_714_564_860_000_000_000n,
  mechanism: 'gaussian',
  epsilon: 1,
  delta: 1e-9,
  series: [
    {
      metric: 'http.server.requests',
      attributes: [
        { key: 'http.route', value: { stringValue: '/users' } },
        { key: 'shard', value: { intValue: 9_007_199_254_740_993n } },
        { key: 'blob', value: { bytesValue: new Uint8Array([0, 1, 255]) } },
      ],
      value: 12,
      cumulative: 40,
      noiseStdDev: 2.5,
    },
  ],
  suppressedSeries: 3,
  budget: { horizonMillis: 3_600_000, spentEpsilon: 3, spentDelta: 3e-9, remainingEpsilon: Number.POSITIVE_INFINITY },
};

test('a batch file keeps the request and the summary, bigints, bytes and infinities included', () => {
  const { bytes, dataPoints } = encodeBatchFile({ request: sampleRequest(7), summary: SUMMARY }, 7);
  const decoded = decodeBatchFile(bytes);
  assert.equal(dataPoints, 3);
  assert.equal(decoded.dataPoints, 3);
  assert.deepEqual(decoded.batch.request, sampleRequest(7));
  assert.deepEqual(decoded.batch.summary, SUMMARY);
  const untouched = decodeBatchFile(encodeBatchFile({ request: sampleRequest(8) }, 8).bytes);
  assert.equal(untouched.batch.summary, undefined);
});

test('a damaged batch file is refused: cut short, or a flipped byte', () => {
  const { bytes } = encodeBatchFile({ request: sampleRequest(1), summary: SUMMARY }, 1);
  assert.throws(() => decodeBatchFile(bytes.subarray(0, bytes.length - 1)), /header says/);
  const flipped = Buffer.from(bytes);
  flipped[60] ^= 0xff;
  assert.throws(() => decodeBatchFile(flipped), /does not match its checksum/);
  assert.throws(() => decodeBatchFile(Buffer.from('not a batch')), /shorter than the 52-byte header/);
});

test('batches still queued at shutdown stay on disk and are replayed, in order, at the next start', async () => {
  const dir = await tempDir();
  const downServer = new OtlpHttpTestServer(() => ({ status: 503 }));
  servers.push(downServer);
  const first = new QueuedExporter(otlp(await downServer.start()), { name: 'otlp', queueDir: dir, drainMillis: 0 });
  await first.start();
  for (let marker = 1; marker <= 3; marker++) await first.export({ request: sampleRequest(marker), summary: SUMMARY });
  assert.equal((await batchFiles(dir)).length, 3, 'each batch is on disk once export() resolved');
  await first.shutdown();
  assert.equal(first.stats().sendFailedBatches, 0, 'kept, not failed');
  assert.equal((await batchFiles(dir)).length, 3);
  assert.ok(!(await readdir(dir)).includes('queue.lock'), 'the lock is released');

  const sink = new RecordingExporter();
  const second = new QueuedExporter(sink, { name: 'otlp', queueDir: dir });
  await second.start();
  await waitFor(() => second.stats().sentBatches === 3, 'the replayed batches');
  assert.deepEqual(sink.markers, [1, 2, 3]);
  assert.deepEqual(sink.batches[0].summary, SUMMARY);
  await waitFor(() => second.stats().inFlightBatches === 0, 'deliveries to settle');
  assert.deepEqual(await batchFiles(dir), [], 'delivered batches are deleted');
  await second.export({ request: sampleRequest(4) });
  await waitFor(() => sink.markers.length === 4, 'a new batch after the replayed ones');
  await second.shutdown();
});

test('kill -9 mid-delivery: after a restart every batch is delivered once, none of those delivered before again', { timeout: 20_000 }, async () => {
  const dir = await tempDir();
  let backendUp = true;
  const statuses: number[] = [];
  const server = new OtlpHttpTestServer(() => {
    statuses.push(backendUp ? 200 : 503);
    return { status: statuses[statuses.length - 1] };
  });
  servers.push(server);
  const endpoint = await server.start();
  const deliveredMarkers = (): number[] => server.received.flatMap((received, index) => (statuses[index] === 200 ? [markerOf(received.request)] : []));

  const child = fork(new URL('../support/queue-crash-child.js', import.meta.url), [dir, endpoint], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const messages: Array<Record<string, unknown>> = [];
    child.on('message', (message: Record<string, unknown>) => messages.push(message));
    await waitFor(() => messages.some((message) => message.ready === true), 'the child queue to start');
    const queued = (marker: number): boolean => messages.some((message) => message.queued === marker);

    for (const marker of [1, 2]) child.send({ marker });
    await waitFor(() => deliveredMarkers().length === 2, 'two deliveries while the backend is up');
    await waitFor(async () => (await batchFiles(dir)).length === 0, 'the delivered batch files to be deleted');

    backendUp = false;
    for (const marker of [3, 4, 5]) child.send({ marker });
    await waitFor(() => queued(3) && queued(4) && queued(5), 'three batches persisted by the child');
    const refusedBefore = statuses.filter((status) => status === 503).length;
    await waitFor(() => statuses.filter((status) => status === 503).length >= refusedBefore + 2, 'the child to be retrying');
    await kill9(child);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  assert.equal((await batchFiles(dir)).length, 3, 'the three undelivered batches survive the crash');

  backendUp = true;
  const logger = new RecordingLogger();
  const queue = new QueuedExporter(otlp(endpoint), { name: 'otlp', queueDir: dir }, { logger });
  await queue.start();
  await waitFor(() => queue.stats().sentBatches === 3, 'the replayed batches to be delivered');
  await waitFor(() => queue.stats().inFlightBatches === 0, 'deliveries to settle');
  await queue.shutdown();
  assert.deepEqual(deliveredMarkers(), [1, 2, 3, 4, 5]);
  assert.deepEqual(await batchFiles(dir), []);
  assert.ok(logger.records.some((record) => record.message === 'export queue: taking over the lock of a process that is gone'));
});

test('an interrupted write and a file cut short are skipped with a warning; intact batches go', async () => {
  const dir = await tempDir();
  const whole = encodeBatchFile({ request: sampleRequest(1) }, 1).bytes;
  const next = encodeBatchFile({ request: sampleRequest(3) }, 3).bytes;
  await writeFile(join(dir, '0000000000000001.batch'), whole);
  await writeFile(join(dir, '0000000000000002.batch'), whole.subarray(0, whole.length - 10));
  await writeFile(join(dir, '0000000000000003.batch'), next);
  await writeFile(join(dir, '0000000000000004.batch.tmp'), whole.subarray(0, 20));
  await writeFile(join(dir, '0000000000000005.batch'), Buffer.from('garbage'));
  const logger = new RecordingLogger();
  const sink = new RecordingExporter();
  const queue = new QueuedExporter(sink, { name: 'otlp', queueDir: dir }, { logger });
  await queue.start();
  await waitFor(() => sink.markers.length === 2, 'the intact batches');
  assert.deepEqual(sink.markers, [1, 3]);
  const warnings = logger.records.filter((record) => record.level === 'warn');
  assert.deepEqual(
    warnings.map((record) => [record.message, record.fields?.file]),
    [
      ['export queue: skipping a damaged batch file', '0000000000000002.batch'],
      ['export queue: removing a batch file whose write was interrupted', '0000000000000004.batch.tmp'],
      ['export queue: skipping a damaged batch file', '0000000000000005.batch'],
    ],
  );
  await queue.export({ request: sampleRequest(6) });
  await waitFor(() => sink.markers.length === 3, 'a new batch');
  await queue.shutdown();
  assert.deepEqual(await readdir(dir), [], 'damaged files are removed, delivered ones deleted, the lock released');
});

test('a file damaged after start (same length, bad checksum) is counted as failed and skipped', async () => {
  const dir = await tempDir();
  const bytes = encodeBatchFile({ request: sampleRequest(1) }, 1).bytes;
  bytes[bytes.length - 1] ^= 0x01;
  await writeFile(join(dir, '0000000000000001.batch'), bytes);
  await writeFile(join(dir, '0000000000000002.batch'), encodeBatchFile({ request: sampleRequest(2) }, 2).bytes);
  const logger = new RecordingLogger();
  const sink = new RecordingExporter();
  const queue = new QueuedExporter(sink, { name: 'otlp', queueDir: dir }, { logger });
  await queue.start();
  await waitFor(() => sink.markers.length === 1, 'the intact batch');
  assert.deepEqual(sink.markers, [2]);
  assert.equal(queue.stats().sendFailedBatches, 1);
  assert.ok(logger.records.some((record) => record.level === 'error' && record.message === 'queued batch file could not be read, skipped'));
  await queue.shutdown();
});

test('replay keeps at most queueSize batches, the oldest, and counts the rest', async () => {
  const dir = await tempDir();
  for (let id = 1; id <= 3; id++) await writeFile(join(dir, `000000000000000${id}.batch`), encodeBatchFile({ request: sampleRequest(id) }, id).bytes);
  const sink = new RecordingExporter();
  const queue = new QueuedExporter(sink, { name: 'otlp', queueDir: dir, queueSize: 2 });
  await queue.start();
  await waitFor(() => sink.markers.length === 2, 'two replayed batches');
  await queue.shutdown();
  assert.deepEqual(sink.markers, [1, 2]);
  assert.equal(queue.stats().enqueueFailedBatches, 1);
  assert.deepEqual(await batchFiles(dir), []);
});

test('one directory, one queue: a second queue of this process or a live process is refused; a dead one is taken over', async () => {
  const dir = await tempDir();
  const first = new QueuedExporter(new RecordingExporter(), { name: 'a', queueDir: dir });
  await first.start();
  const second = new QueuedExporter(new RecordingExporter(), { name: 'b', queueDir: dir });
  await assert.rejects(second.start(), (error: unknown) => error instanceof ExporterError && error.code === 'EXPORT_QUEUE_IO' && /in use by another queue of this process/.test(error.message));
  await first.shutdown();

  await writeFile(join(dir, 'queue.lock'), String(process.ppid));
  const third = new QueuedExporter(new RecordingExporter(), { name: 'c', queueDir: dir });
  await assert.rejects(third.start(), (error: unknown) => error instanceof ExporterError && new RegExp(`in use by process ${process.ppid}`).test(error.message));

  const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  await writeFile(join(dir, 'queue.lock'), exited.stdout);
  const fourth = new QueuedExporter(new RecordingExporter(), { name: 'd', queueDir: dir });
  await fourth.start();
  assert.equal(JSON.parse(await readFile(join(dir, 'queue.lock'), 'utf8')).pid, process.pid);
  await fourth.shutdown();
});

test('a persistent queue refuses batches before start()', async () => {
  const queue = new QueuedExporter(new RecordingExporter(), { name: 'otlp', queueDir: await tempDir() });
  await assert.rejects(queue.export({ request: sampleRequest(1) }), (error: unknown) => error instanceof ExporterError && error.code === 'EXPORT_NOT_STARTED');
});

test('an unusable queue directory fails start() with EXPORT_QUEUE_IO', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'file'), 'x');
  const queue = new QueuedExporter(new RecordingExporter(), { name: 'otlp', queueDir: join(dir, 'file', 'queue') });
  await assert.rejects(queue.start(), (error: unknown) => error instanceof ExporterError && error.code === 'EXPORT_QUEUE_IO' && /could not open queue directory .*: ENOTDIR/.test(error.message));
});

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
