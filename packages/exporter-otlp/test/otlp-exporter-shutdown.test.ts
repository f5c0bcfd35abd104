import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExporterError } from '@otel-dp/exporter-helper';
import { OtlpExporter, type OtlpExporterConfig } from '../src/index.js';
import { FAST_RETRY } from '@otel-dp/exporter-helper/testing';
import { sampleRequest, serveOtlpHttp } from '@otel-dp/otlp/testing';
import { RecordingLogger, waitFor } from '@otel-dp/pipeline/testing';

function config(endpoint: string, overrides: Partial<OtlpExporterConfig> = {}): OtlpExporterConfig {
  return { endpoint, protocol: 'http/protobuf', headers: {}, compression: 'gzip', timeoutMillis: 10_000, retry: FAST_RETRY, ...overrides };
}

function isShutdown(error: unknown): boolean {
  return error instanceof ExporterError && error.code === 'EXPORT_SHUTDOWN';
}

test('shutdown during a retry wait ends the export promptly with EXPORT_SHUTDOWN', async () => {
  const { server, endpoint } = await serveOtlpHttp(() => ({ status: 503 }));
  // A 10 s first wait: only shutdown can end this export quickly.
  const logger = new RecordingLogger();
  const exporter = new OtlpExporter(config(endpoint, { retry: { ...FAST_RETRY, initialIntervalMillis: 10_000, maxIntervalMillis: 10_000, maxElapsedMillis: 0 } }), { logger });
  const exported = exporter.export({ request: sampleRequest() });
  const settled = assert.rejects(exported, isShutdown);
  await waitFor(() => logger.at('debug').some((record) => record.message === 'export attempt failed, will retry'), 'the failed attempt to turn into a wait');
  const started = performance.now();
  await exporter.shutdown();
  await settled;
  const took = performance.now() - started;
  assert.ok(took < 500, `shutdown took ${took} ms`);
  assert.equal(server.received.length, 1);
});

test('retry forever (maxElapsedMillis 0) still stops on shutdown', async () => {
  const { server, endpoint } = await serveOtlpHttp(() => ({ status: 503 }));
  const exporter = new OtlpExporter(config(endpoint, { retry: { ...FAST_RETRY, maxElapsedMillis: 0 } }));
  const timersBefore = referencedTimers();
  const settled = assert.rejects(exporter.export({ request: sampleRequest() }), isShutdown);
  await waitFor(() => server.received.length >= 5, 'five attempts');
  await exporter.shutdown();
  await settled;
  // Another attempt could only come from a retry wait still pending; none is left.
  assert.equal(referencedTimers(), timersBefore, 'a retry wait outlived the shutdown');
});

test('shutdown waits for an attempt in flight to be accepted', async () => {
  const { server, endpoint } = await serveOtlpHttp(() => ({ status: 200, delayMillis: 200 }));
  const exporter = new OtlpExporter(config(endpoint), { shutdownTimeoutMillis: 5000 });
  const exported = exporter.export({ request: sampleRequest() });
  await waitFor(() => server.received.length === 1, 'the attempt to reach the backend');
  await exporter.shutdown();
  await exported; // accepted, not aborted
});

test('at the shutdown deadline attempts in flight are aborted', async () => {
  const { server, endpoint } = await serveOtlpHttp(() => ({ status: 200, delayMillis: 5000 }));
  const exporter = new OtlpExporter(config(endpoint), { shutdownTimeoutMillis: 100 });
  const settled = assert.rejects(exporter.export({ request: sampleRequest() }), isShutdown);
  await waitFor(() => server.received.length === 1, 'the attempt to reach the backend');
  const started = performance.now();
  await exporter.shutdown();
  await settled;
  const took = performance.now() - started;
  assert.ok(took >= 90 && took < 1000, `shutdown took ${took} ms`);
});

test('exports after shutdown are refused; shutdown and start are idempotent', async () => {
  const { server, endpoint } = await serveOtlpHttp(() => ({ status: 200 }));
  const exporter = new OtlpExporter(config(endpoint));
  await exporter.start();
  await exporter.start();
  await exporter.export({ request: sampleRequest() });
  const first = exporter.shutdown();
  assert.equal(exporter.shutdown(), first);
  await first;
  await assert.rejects(exporter.export({ request: sampleRequest() }), isShutdown);
  assert.equal(server.received.length, 1);
});

function referencedTimers(): number {
  return process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;
}
