import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countDataPoints } from '@otel-dp/otlp';
import { type BatchExporter, type ExportBatch } from '@otel-dp/pipeline';
import { markerOf, type OtlpHttpTestServer, sampleRequest, serveOtlpHttp } from '@otel-dp/otlp/testing';
import { RecordingLogger, waitFor } from '@otel-dp/pipeline/testing';
import { EXPORT_QUEUE_METRICS, ExporterError, QueuedExporter, RetryingExporter, type ExportQueueStats, type QueuedExporterConfig, type RetryConfig } from '../../src/index.js';
import { FAST_RETRY } from '../../src/testing.js';
import { httpExporter } from '../support/http-exporter.js';

const POINTS = countDataPoints(sampleRequest());
function otlp(endpoint: string, overrides: { retry?: RetryConfig; logger?: RecordingLogger } = {}): RetryingExporter {
  return httpExporter(endpoint, overrides.retry ?? FAST_RETRY, { logger: overrides.logger });
}

function accepted(server: OtlpHttpTestServer, statusOf: (index: number) => number): number[] {
  return server.received.flatMap((received, index) => (statusOf(index) === 200 ? [markerOf(received.request)] : []));
}

function hasCode(code: string): (error: unknown) => boolean {
  return (error) => error instanceof ExporterError && error.code === code;
}

test('export() resolves once queued, while the backend is still answering slowly', async () => {
  const { server, endpoint } = await serveOtlpHttp(() => ({ status: 200, delayMillis: 300 }));
  const queue = new QueuedExporter(otlp(endpoint), { name: 'otlp' });
  await queue.start();
  const started = performance.now();
  await queue.export({ request: sampleRequest(1) });
  const took = performance.now() - started;
  assert.ok(took < 150, `export() took ${took} ms: it waited for the backend`);
  await waitFor(() => queue.stats().sentBatches === 1, 'the batch to be delivered');
  assert.equal(server.received.length, 1);
  assert.deepEqual(server.received[0].request, sampleRequest(1));
  const stats = queue.stats();
  assert.equal(stats.sentMetricPoints, POINTS);
  assert.equal(stats.queueSize, 0);
  assert.equal(stats.inFlightBatches, 0);
  assert.equal(stats.queueCapacity, 1000);
  await queue.shutdown();
});

// The outage here lasts five retries of 20-50 ms; the 30 s outage
// with the default schedule is the end-to-end fault test's.
test('backend down, then up: every batch delivered exactly once, in order', async () => {
  const { server, endpoint } = await serveOtlpHttp();
  const port = Number(new URL(endpoint).port);
  await server.close(); // connection refused from now on
  const exporterLog = new RecordingLogger();
  const queue = new QueuedExporter(otlp(endpoint, { logger: exporterLog }), { name: 'otlp' });
  await queue.start();
  for (let marker = 1; marker <= 6; marker++) await queue.export({ request: sampleRequest(marker) });
  // The outage outlasts several retries of the first batch, while the others wait behind it.
  await waitFor(() => exporterLog.at('debug').filter((record) => record.message === 'export attempt failed, will retry').length >= 5, 'five failed attempts');
  assert.equal(queue.stats().sentBatches, 0);
  assert.equal(queue.stats().inFlightBatches, 1);
  assert.equal(queue.stats().queueSize, 5);
  await server.start(port);
  await waitFor(() => queue.stats().sentBatches === 6, 'all six batches');
  assert.deepEqual(
    server.received.map((received) => markerOf(received.request)),
    [1, 2, 3, 4, 5, 6],
  );
  assert.equal(queue.stats().sendFailedBatches, 0);
  await queue.shutdown();
});

test('a full queue drops the new batch: rejected, logged at warn and counted', async () => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const delivered: number[] = [];
  const blocking: BatchExporter = {
    async export(batch: ExportBatch) {
      await gate;
      delivered.push(markerOf(batch.request));
    },
  };
  const logger = new RecordingLogger();
  const queue = new QueuedExporter(blocking, { name: 'otlp', queueSize: 2 }, { logger });
  await queue.start();
  await queue.export({ request: sampleRequest(1) });
  await waitFor(() => queue.stats().inFlightBatches === 1, 'the first batch in flight');
  await queue.export({ request: sampleRequest(2) });
  await queue.export({ request: sampleRequest(3) });
  await assert.rejects(queue.export({ request: sampleRequest(4) }), (error: unknown) => {
    assert.ok(hasCode('EXPORT_QUEUE_FULL')(error));
    assert.match((error as Error).message, /export queue otlp is full \(2 batches\)/);
    return true;
  });
  const stats = queue.stats();
  assert.equal(stats.enqueueFailedBatches, 1);
  assert.equal(stats.enqueueFailedMetricPoints, POINTS);
  assert.equal(stats.queueSize, 2);
  const warning = logger.records.find((record) => record.level === 'warn');
  assert.equal(warning?.message, 'export queue is full, batch dropped');
  assert.equal(warning?.fields?.exporter, 'otlp');
  release();
  await waitFor(() => queue.stats().sentBatches === 3, 'the queued batches');
  assert.deepEqual(delivered, [1, 2, 3]);
  await queue.shutdown();
});

test('a permanent failure is logged and counted, and the next batch still goes', async () => {
  const status = (index: number): number => (index === 0 ? 400 : 200);
  const { server, endpoint } = await serveOtlpHttp((index) => ({ status: status(index) }));
  const logger = new RecordingLogger();
  const queue = new QueuedExporter(otlp(endpoint), { name: 'otlp' }, { logger });
  await queue.start();
  await queue.export({ request: sampleRequest(1) });
  await queue.export({ request: sampleRequest(2) });
  await waitFor(() => queue.stats().sentBatches === 1, 'the second batch');
  assert.deepEqual(accepted(server, status), [2]);
  assert.equal(queue.stats().sendFailedBatches, 1);
  assert.equal(queue.stats().sendFailedMetricPoints, POINTS);
  const failure = logger.records.find((record) => record.level === 'error');
  assert.equal(failure?.message, 'export failed, batch dropped');
  assert.equal(failure?.fields?.code, 'EXPORT_PERMANENT');
  await queue.shutdown();
});

test('several consumers send several batches at once', async () => {
  const { server, endpoint } = await serveOtlpHttp(() => ({ status: 200, delayMillis: 200 }));
  const queue = new QueuedExporter(otlp(endpoint), { name: 'otlp', numConsumers: 3 });
  await queue.start();
  for (let marker = 1; marker <= 3; marker++) await queue.export({ request: sampleRequest(marker) });
  await waitFor(() => queue.stats().inFlightBatches === 3, 'three batches in flight');
  await waitFor(() => queue.stats().sentBatches === 3, 'three deliveries');
  const spread = Math.max(...server.arrivals) - Math.min(...server.arrivals);
  assert.ok(spread < 150, `arrivals spread over ${spread} ms: the batches went one after another`);
  await queue.shutdown();
});

test('shutdown drains within drainMillis, then drops what is left (memory queue) and counts it', async () => {
  const { endpoint } = await serveOtlpHttp(() => ({ status: 503 }));
  const logger = new RecordingLogger();
  const queue = new QueuedExporter(otlp(endpoint, { retry: { ...FAST_RETRY, maxElapsedMillis: 0 } }), { name: 'otlp', drainMillis: 100 }, { logger });
  await queue.start();
  for (let marker = 1; marker <= 3; marker++) await queue.export({ request: sampleRequest(marker) });
  const started = performance.now();
  await queue.shutdown();
  const took = performance.now() - started;
  assert.ok(took >= 90 && took < 1500, `shutdown took ${took} ms`);
  const stats = queue.stats();
  assert.equal(stats.sendFailedBatches, 3, 'one dropped in flight, two still queued');
  assert.equal(stats.sendFailedMetricPoints, 3 * POINTS);
  assert.ok(logger.records.some((record) => record.message === 'export queue: batches still queued at shutdown were dropped' && record.fields?.batches === 2));
  assert.ok(logger.records.some((record) => record.message === 'batch dropped at shutdown'));
  await assert.rejects(queue.export({ request: sampleRequest(4) }), hasCode('EXPORT_SHUTDOWN'));
  await queue.shutdown(); // idempotent
});

test('shutdown waits for a delivery that completes within drainMillis', async () => {
  const { server, endpoint } = await serveOtlpHttp(() => ({ status: 200, delayMillis: 150 }));
  const queue = new QueuedExporter(otlp(endpoint), { name: 'otlp', drainMillis: 2000 });
  await queue.start();
  await queue.export({ request: sampleRequest(1) });
  await queue.export({ request: sampleRequest(2) });
  await queue.shutdown();
  assert.equal(queue.stats().sentBatches, 2);
  assert.equal(server.received.length, 2);
});

test('configuration errors name the field', () => {
  const sink: BatchExporter = { async export() {} };
  const cases: Array<[QueuedExporterConfig, RegExp]> = [
    [{ name: 'otlp', queueSize: 0 }, /^queueSize is 0, must be a whole number of at least 1$/],
    [{ name: 'otlp', numConsumers: 1.5 }, /^numConsumers is 1.5, must be a whole number of at least 1$/],
    [{ name: 'otlp', drainMillis: -1 }, /^drainMillis is -1, must be zero or positive$/],
    [{ name: ' ' }, /^name is empty/],
    [{ name: 'otlp', queueDir: '' }, /^queueDir is empty/],
  ];
  for (const [config, message] of cases) {
    assert.throws(() => new QueuedExporter(sink, config), (error: unknown) => hasCode('EXPORT_CONFIG_INVALID')(error) && message.test((error as Error).message));
  }
});

test('every counter of stats() has a published metric, with the collector names where they exist', () => {
  const queue = new QueuedExporter({ async export() {} }, { name: 'otlp' });
  const fields = Object.keys(queue.stats()).filter((key) => key !== 'exporter').sort();
  assert.deepEqual(EXPORT_QUEUE_METRICS.map((metric) => metric.field).sort(), fields);
  const names = new Map(EXPORT_QUEUE_METRICS.map((metric) => [metric.field, metric.name]));
  assert.equal(names.get('sentMetricPoints'), 'otelcol_exporter_sent_metric_points');
  assert.equal(names.get('enqueueFailedMetricPoints'), 'otelcol_exporter_enqueue_failed_metric_points');
  assert.equal(names.get('queueSize'), 'otelcol_exporter_queue_size');
  assert.equal(names.get('queueCapacity'), 'otelcol_exporter_queue_capacity');
  assert.equal(names.get('inFlightBatches'), 'otelcol_exporter_in_flight_requests');
  const stats: ExportQueueStats = queue.stats();
  assert.equal(stats.exporter, 'otlp');
});
