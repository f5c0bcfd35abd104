import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeRpcStatus } from '@otel-dp/otlp';
import { OtlpExporter, type OtlpExporterConfig } from '../src/index.js';
import { exporterErrorWithCode } from './support/exporter-error.js';
import { FAST_RETRY } from '@otel-dp/exporter-helper/testing';
import { OtlpHttpTestServer, sampleRequest, serveOtlpHttp } from '@otel-dp/otlp/testing';
import { RecordingLogger, waitFor } from '@otel-dp/pipeline/testing';

const SECRET = 's3cr3t-header-value';
function config(endpoint: string, overrides: Partial<OtlpExporterConfig> = {}): OtlpExporterConfig {
  return {
    endpoint,
    protocol: 'http/protobuf',
    headers: { 'x-api-key': SECRET },
    compression: 'none',
    timeoutMillis: 2000,
    retry: FAST_RETRY,
    ...overrides,
  };
}

const hasCode = (code: string) => exporterErrorWithCode(code, SECRET);

for (const protocol of ['http/protobuf', 'http/json'] as const) {
  for (const compression of ['none', 'gzip'] as const) {
    test(`${protocol} with compression ${compression} delivers exactly what was sent`, async () => {
      const { server, endpoint } = await serveOtlpHttp();
      const logger = new RecordingLogger();
      const exporter = new OtlpExporter(config(endpoint, { protocol, compression }), { logger });
      await exporter.start();
      await exporter.export({ request: sampleRequest(42) });
      await exporter.shutdown();

      assert.equal(server.received.length, 1);
      const [received] = server.received;
      assert.equal(received.method, 'POST');
      assert.equal(received.path, '/v1/metrics');
      assert.deepEqual(received.request, sampleRequest(42));
      assert.equal(received.headers['content-type'], protocol === 'http/json' ? 'application/json' : 'application/x-protobuf');
      assert.equal(received.headers['content-encoding'], compression === 'gzip' ? 'gzip' : undefined);
      const gzipMagic = received.wireBody[0] === 0x1f && received.wireBody[1] === 0x8b;
      assert.equal(gzipMagic, compression === 'gzip');
      assert.equal(received.headers['x-api-key'], SECRET);
      assert.match(received.headers['user-agent'] ?? '', /^otel-dp\/\d+\.\d+\.\d+$/);
      assert.ok(!logger.text().includes(SECRET), 'a header value was logged');
      assert.ok(logger.records.some((record) => record.level === 'info' && record.message === 'OTLP exporter started'));
    });
  }
}

test('a batch without data points sends nothing: its arrival would show the backend a window of suppressed series', async () => {
  const { server, endpoint } = await serveOtlpHttp();
  const exporter = new OtlpExporter(config(endpoint));
  await exporter.start();
  const suppressedOnly = {
    windowStartUnixNano: 0n,
    windowEndUnixNano: 60_000_000_000n,
    mechanism: 'gaussian',
    epsilon: 1,
    delta: 1e-6,
    series: [],
    suppressedSeries: 1,
  };
  await exporter.export({ request: { resourceMetrics: [] }, summary: suppressedOnly });
  const noPoints = sampleRequest(1);
  for (const metric of noPoints.resourceMetrics[0].scopeMetrics[0].metrics) {
    (metric.sum ?? metric.gauge ?? metric.histogram)!.dataPoints = [];
  }
  await exporter.export({ request: noPoints });
  await exporter.export({ request: sampleRequest(2) });
  await exporter.shutdown();
  assert.equal(server.received.length, 1);
  assert.deepEqual(server.received[0].request, sampleRequest(2));
});

test('400 is permanent: rejected with the backend message, never retried', async () => {
  const { server, endpoint } = await serveOtlpHttp(() => ({
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: 3, message: 'metric name is empty' }),
  }));
  const exporter = new OtlpExporter(config(endpoint, { protocol: 'http/json' }));
  await assert.rejects(exporter.export({ request: sampleRequest() }), (error: unknown) => {
    hasCode('EXPORT_PERMANENT')(error);
    assert.match((error as Error).message, /HTTP 400: metric name is empty/);
    return true;
  });
  // The export settles only after its last attempt was answered: a retry would be counted here.
  assert.equal(server.received.length, 1);
  await exporter.shutdown();
});

test('a protobuf google.rpc.Status body gives the message of a permanent failure', async () => {
  const { server, endpoint } = await serveOtlpHttp(() => ({
    status: 401,
    headers: { 'content-type': 'application/x-protobuf' },
    body: encodeRpcStatus({ code: 16, message: 'unknown api key', details: [] }),
  }));
  const exporter = new OtlpExporter(config(endpoint));
  await assert.rejects(exporter.export({ request: sampleRequest() }), (error: unknown) => hasCode('EXPORT_PERMANENT')(error) && /HTTP 401: unknown api key$/.test((error as Error).message));
  assert.equal(server.received.length, 1);
  await exporter.shutdown();
});

test('503 twice then 200: delivered on the third attempt', async () => {
  const { server, endpoint } = await serveOtlpHttp((index) => ({ status: index < 2 ? 503 : 200 }));
  const logger = new RecordingLogger();
  const exporter = new OtlpExporter(config(endpoint), { logger });
  await exporter.export({ request: sampleRequest() });
  assert.equal(server.received.length, 3);
  for (const received of server.received) assert.deepEqual(received.request, sampleRequest());
  assert.equal(logger.records.filter((record) => record.message === 'export attempt failed, will retry').length, 2);
  await exporter.shutdown();
});

test('429 with Retry-After: 1 waits at least that long before retrying', async () => {
  const { server, endpoint } = await serveOtlpHttp((index) => (index === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
  const exporter = new OtlpExporter(config(endpoint));
  await exporter.export({ request: sampleRequest() });
  assert.equal(server.received.length, 2);
  const waited = server.arrivals[1] - server.arrivals[0];
  // The backoff alone would wait at most 30 ms; 990 leaves room for clock granularity.
  assert.ok(waited >= 990, `retried after ${waited} ms`);
  await exporter.shutdown();
});

test('other 5xx statuses such as 500 are permanent', async () => {
  const { server, endpoint } = await serveOtlpHttp(() => ({ status: 500, headers: { 'content-type': 'text/plain' }, body: 'boom\nat line 2' }));
  const exporter = new OtlpExporter(config(endpoint));
  await assert.rejects(exporter.export({ request: sampleRequest() }), (error: unknown) => hasCode('EXPORT_PERMANENT')(error) && /HTTP 500: boom at line 2/.test((error as Error).message));
  assert.equal(server.received.length, 1);
  await exporter.shutdown();
});

test('connection refused, then the server comes up: delivered', async () => {
  const probe = new OtlpHttpTestServer();
  const endpoint = await probe.start();
  const port = Number(new URL(endpoint).port);
  await probe.close(); // the port is now free and refuses connections

  const logger = new RecordingLogger();
  const exporter = new OtlpExporter(config(endpoint), { logger });
  const delivered = exporter.export({ request: sampleRequest() });
  const refused = (): boolean => logger.records.some((record) => String(record.fields?.reason).includes('ECONNREFUSED'));
  await waitFor(refused, 'an attempt to be refused');
  const { server } = await serveOtlpHttp(undefined, port);
  await delivered;
  assert.equal(server.received.length, 1);
  await exporter.shutdown();
});

test('retries exhausted: EXPORT_RETRIES_EXHAUSTED within the elapsed budget', async () => {
  const { server, endpoint } = await serveOtlpHttp(() => ({ status: 503 }));
  const exporter = new OtlpExporter(config(endpoint, { retry: { ...FAST_RETRY, maxElapsedMillis: 300 } }));
  const started = performance.now();
  await assert.rejects(exporter.export({ request: sampleRequest() }), hasCode('EXPORT_RETRIES_EXHAUSTED'));
  const took = performance.now() - started;
  assert.ok(took < 1000, `gave up after ${took} ms`);
  assert.ok(server.received.length >= 2, `only ${server.received.length} attempts`);
  await exporter.shutdown();
});

test('retry disabled: one attempt, then EXPORT_RETRIES_EXHAUSTED', async () => {
  const { server, endpoint } = await serveOtlpHttp(() => ({ status: 502 }));
  const exporter = new OtlpExporter(config(endpoint, { retry: { ...FAST_RETRY, enabled: false } }));
  await assert.rejects(exporter.export({ request: sampleRequest() }), (error: unknown) => hasCode('EXPORT_RETRIES_EXHAUSTED')(error) && /retry is disabled: HTTP 502/.test((error as Error).message));
  assert.equal(server.received.length, 1);
  await exporter.shutdown();
});

test('an attempt that times out is retried', async () => {
  const { server, endpoint } = await serveOtlpHttp((index) => (index === 0 ? { status: 200, delayMillis: 2000 } : { status: 200 }));
  const logger = new RecordingLogger();
  const exporter = new OtlpExporter(config(endpoint, { timeoutMillis: 100 }), { logger });
  const started = performance.now();
  await exporter.export({ request: sampleRequest() });
  assert.ok(performance.now() - started < 1500, 'waited for the slow answer instead of timing out');
  assert.equal(server.received.length, 2);
  assert.ok(logger.records.some((record) => record.fields?.reason === 'timed out after 100 ms'));
  await exporter.shutdown();
});

test('partial success is logged as a warning and not retried', async () => {
  const { server, endpoint } = await serveOtlpHttp(() => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ partialSuccess: { rejectedDataPoints: '2', errorMessage: 'points too old' } }),
  }));
  const logger = new RecordingLogger();
  const exporter = new OtlpExporter(config(endpoint, { protocol: 'http/json' }), { logger });
  await exporter.export({ request: sampleRequest() });
  assert.equal(server.received.length, 1);
  const warnings = logger.records.filter((record) => record.level === 'warn');
  assert.deepEqual(warnings, [{ level: 'warn', message: 'backend accepted the export partially', fields: { rejectedDataPoints: 2, message: 'points too old' } }]);
  await exporter.shutdown();
});

test('credentials in the endpoint URL are not logged', async () => {
  const { server, endpoint } = await serveOtlpHttp();
  const url = new URL(endpoint);
  url.username = 'user';
  url.password = SECRET;
  url.search = `?key=${SECRET}`;
  const logger = new RecordingLogger();
  const exporter = new OtlpExporter(config(url.toString()), { logger });
  await exporter.start();
  await exporter.export({ request: sampleRequest() });
  await exporter.shutdown();
  assert.equal(server.received.length, 1);
  assert.ok(logger.records.length >= 2);
  assert.ok(!logger.text().includes(SECRET), logger.text());
});

test('many concurrent exports are all delivered, without listener-leak warnings', async () => {
  const { server, endpoint } = await serveOtlpHttp((index) => ({ status: index % 3 === 0 ? 503 : 200 }));
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(warning);
  };
  process.on('warning', onWarning);
  const exporter = new OtlpExporter(config(endpoint));
  const count = 30;
  await Promise.all(Array.from({ length: count }, (_, index) => exporter.export({ request: sampleRequest(index + 1) })));
  await exporter.shutdown();
  await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  process.off('warning', onWarning);
  assert.deepEqual(warnings.map((warning) => warning.name), []);
  const delivered = new Set(server.received.map((received) => received.request.resourceMetrics[0].scopeMetrics[0].metrics[0].sum?.dataPoints[0].asInt));
  assert.equal(delivered.size, count);
  assert.ok(server.received.length > count, 'no 503 was retried');
});
