import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Metadata, status } from '@grpc/grpc-js';
import { decodeMetricsRequest } from '@otel-dp/otlp';
import { OtlpExporter, type OtlpExporterConfig } from '../src/index.js';
import { sampleRequest } from '@otel-dp/otlp/testing';
import { RecordingLogger, waitFor } from '@otel-dp/pipeline/testing';
import { exporterErrorWithCode } from './support/exporter-error.js';
import { FAST_RETRY } from '@otel-dp/exporter-helper/testing';
import { GrpcWireRecorder } from './support/grpc-wire-recorder.js';
import { OtlpGrpcTestServer, type GrpcScript } from './support/otlp-grpc-server.js';
import { throttledStatusBytes } from './support/rpc-status-fixture.js';

const SECRET = 's3cr3t-metadata-value';
const cleanups: (() => unknown)[] = [];
after(() => Promise.all(cleanups.map((cleanup) => cleanup())));

async function serve(script?: GrpcScript): Promise<{ server: OtlpGrpcTestServer; endpoint: string }> {
  const server = new OtlpGrpcTestServer(script);
  cleanups.push(() => server.close());
  return { server, endpoint: await server.start() };
}

function exporterFor(endpoint: string, overrides: Partial<OtlpExporterConfig> = {}, logger = new RecordingLogger(), shutdownTimeoutMillis = 5000): OtlpExporter {
  const exporter = new OtlpExporter(
    {
    endpoint,
    protocol: 'grpc',
    headers: { 'X-Api-Key': SECRET },
    compression: 'none',
    timeoutMillis: 2000,
    retry: FAST_RETRY,
    ...overrides,
    },
    { logger, shutdownTimeoutMillis },
  );
  cleanups.push(() => exporter.shutdown());
  return exporter;
}

const hasCode = (code: string) => exporterErrorWithCode(code, SECRET);

/** Trailers of a throttled call: the status again, with a RetryInfo detail. */
function retryInfoTrailer(code: number, delayMillis: number): Metadata {
  const trailer = new Metadata();
  trailer.set('grpc-status-details-bin', throttledStatusBytes(code, delayMillis));
  return trailer;
}

test('grpc: delivers the request with headers as metadata and our user agent', async () => {
  const { server, endpoint } = await serve();
  const exporter = exporterFor(endpoint);
  await exporter.start();
  await exporter.export({ request: sampleRequest(5) });
  assert.equal(server.received.length, 1);
  const [call] = server.received;
  assert.deepEqual(call.request, sampleRequest(5));
  assert.deepEqual(call.metadata.get('x-api-key'), [SECRET]);
  assert.match(String(call.metadata.get('user-agent')[0]), /^otel-dp\/\d+\.\d+\.\d+ /);
});

test('grpc: gzip compresses the message on the wire', async () => {
  const recorder = new GrpcWireRecorder();
  cleanups.push(() => recorder.close());
  const endpoint = await recorder.start();
  for (const compression of ['gzip', 'none'] as const) {
    const exporter = exporterFor(endpoint, { compression });
    await exporter.export({ request: sampleRequest(9) });
    await exporter.shutdown();
  }
  assert.equal(recorder.messages.length, 2);
  const [gzipped, plain] = recorder.messages;
  assert.equal(gzipped.headers['grpc-encoding'], 'gzip');
  assert.equal(gzipped.compressedFlag, 1);
  assert.deepEqual(decodeMetricsRequest(gzipped.message), sampleRequest(9));
  assert.equal(plain.headers['grpc-encoding'], undefined);
  assert.equal(plain.compressedFlag, 0);
  assert.deepEqual(decodeMetricsRequest(plain.message), sampleRequest(9));
  assert.equal(gzipped.headers[':path'], '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export');
});

test('grpc: UNAVAILABLE then OK is delivered on the second attempt', async () => {
  const { server, endpoint } = await serve((index) => (index === 0 ? { ok: false, code: status.UNAVAILABLE, details: 'busy' } : { ok: true }));
  await exporterFor(endpoint).export({ request: sampleRequest() });
  assert.equal(server.received.length, 2);
});

test('grpc: INVALID_ARGUMENT is permanent and not retried', async () => {
  const { server, endpoint } = await serve(() => ({ ok: false, code: status.INVALID_ARGUMENT, details: 'bad metric' }));
  await assert.rejects(exporterFor(endpoint).export({ request: sampleRequest() }), (error: unknown) => {
    hasCode('EXPORT_PERMANENT')(error);
    assert.match((error as Error).message, /gRPC INVALID_ARGUMENT: bad metric/);
    return true;
  });
  // The export settles only after its last attempt was answered: a retry would be counted here.
  assert.equal(server.received.length, 1);
});

test('grpc: RESOURCE_EXHAUSTED without RetryInfo is permanent', async () => {
  const { server, endpoint } = await serve(() => ({ ok: false, code: status.RESOURCE_EXHAUSTED, details: 'message too large' }));
  await assert.rejects(exporterFor(endpoint).export({ request: sampleRequest() }), hasCode('EXPORT_PERMANENT'));
  assert.equal(server.received.length, 1);
});

test('grpc: RESOURCE_EXHAUSTED with RetryInfo is retried after the given delay', async () => {
  const { server, endpoint } = await serve((index) =>
    index === 0 ? { ok: false, code: status.RESOURCE_EXHAUSTED, details: 'throttled', trailer: retryInfoTrailer(status.RESOURCE_EXHAUSTED, 300) } : { ok: true },
  );
  await exporterFor(endpoint).export({ request: sampleRequest() });
  assert.equal(server.received.length, 2);
  const waited = server.received[1].at - server.received[0].at;
  // The backoff alone waits at most 30 ms here.
  assert.ok(waited >= 290, `retried after ${waited} ms`);
});

test('grpc: DEADLINE_EXCEEDED from a slow server is retried', async () => {
  const { server, endpoint } = await serve((index) => (index === 0 ? { ok: true, delayMillis: 2000 } : { ok: true }));
  const started = performance.now();
  await exporterFor(endpoint, { timeoutMillis: 150 }).export({ request: sampleRequest() });
  assert.ok(performance.now() - started < 1500);
  assert.equal(server.received.length, 2);
});

test('grpc: retries exhausted against a server that stays UNAVAILABLE', async () => {
  const { server, endpoint } = await serve(() => ({ ok: false, code: status.UNAVAILABLE, details: 'down' }));
  const started = performance.now();
  await assert.rejects(exporterFor(endpoint, { retry: { ...FAST_RETRY, maxElapsedMillis: 300 } }).export({ request: sampleRequest() }), hasCode('EXPORT_RETRIES_EXHAUSTED'));
  assert.ok(performance.now() - started < 1000);
  assert.ok(server.received.length >= 2, `only ${server.received.length} attempts`);
});

test('grpc: partial success is logged as a warning and not retried', async () => {
  const { server, endpoint } = await serve(() => ({ ok: true, response: { partialSuccess: { rejectedDataPoints: 3n, errorMessage: 'unknown unit' } } }));
  const logger = new RecordingLogger();
  await exporterFor(endpoint, {}, logger).export({ request: sampleRequest() });
  assert.equal(server.received.length, 1);
  const warnings = logger.records.filter((record) => record.level === 'warn');
  assert.deepEqual(warnings, [{ level: 'warn', message: 'backend accepted the export partially', fields: { rejectedDataPoints: 3, message: 'unknown unit' } }]);
  assert.ok(!logger.text().includes(SECRET));
});

test('grpc: shutdown deadline cancels a call in flight with EXPORT_SHUTDOWN', async () => {
  const { server, endpoint } = await serve(() => ({ ok: true, delayMillis: 5000 }));
  const exporter = exporterFor(endpoint, { timeoutMillis: 10_000 }, new RecordingLogger(), 100);
  const settled = assert.rejects(exporter.export({ request: sampleRequest() }), hasCode('EXPORT_SHUTDOWN'));
  await waitFor(() => server.received.length > 0, 'the call to reach the server');
  const started = performance.now();
  await exporter.shutdown();
  await settled;
  assert.ok(performance.now() - started < 1000);
  assert.equal(server.received.length, 1);
});
