import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ExporterError, type RetryConfig } from '@otel-dp/exporter-helper';
import type { Logger } from '@otel-dp/pipeline';
import { PrometheusRemoteWriteExporter, type PrometheusRemoteWriteConfig } from '../src/index.js';
import { attribute, END_MILLIS, metric, numberPoint, requestOf } from './support/otlp-fixture.js';
import { RemoteWriteTestServer, type ScriptedAnswer } from './support/remote-write-server.js';

const SECRET = 'tenant-s3cr3t';
const FAST_RETRY: RetryConfig = { enabled: true, initialIntervalMillis: 20, maxIntervalMillis: 50, maxElapsedMillis: 5000, multiplier: 1.5, randomizationFactor: 0.5 };
const servers: RemoteWriteTestServer[] = [];
after(() => Promise.all(servers.map((server) => server.close())));

async function serve(script?: (index: number) => ScriptedAnswer): Promise<{ server: RemoteWriteTestServer; url: string }> {
  const server = new RemoteWriteTestServer(script);
  servers.push(server);
  return { server, url: await server.start() };
}

function exporter(url: string, overrides: Partial<PrometheusRemoteWriteConfig> = {}, logger?: Logger): PrometheusRemoteWriteExporter {
  return new PrometheusRemoteWriteExporter({ url, headers: { 'X-Scope-OrgID': SECRET }, timeoutMillis: 2000, retry: FAST_RETRY, ...overrides }, { logger, shutdownTimeoutMillis: 0 });
}

function counterRequest(value: bigint) {
  return requestOf([metric('http.server.requests', '{request}', { sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [numberPoint(value, [attribute('http.route', '/users')])] } })]);
}

class TextLogger implements Logger {
  text = '';
  debug(message: string, fields?: Record<string, unknown>): void {
    this.text += `${message} ${JSON.stringify(fields)}\n`;
  }
  info = this.debug;
  warn = this.debug;
  error = this.debug;
}

test('a batch without data points sends nothing, as with the OTLP exporter', async () => {
  const { server, url } = await serve();
  const remoteWrite = exporter(url);
  await remoteWrite.start();
  await remoteWrite.export({ request: { resourceMetrics: [] } });
  await remoteWrite.export({ request: counterRequest(7n) });
  await remoteWrite.shutdown();
  assert.equal(server.received.length, 1);
  assert.equal(server.received[0].request.timeseries.some((series) => series.samples.some((sample) => sample.value === 7)), true);
});

test('a batch arrives as snappy-compressed protobuf with the remote-write headers', async () => {
  const { server, url } = await serve();
  const logger = new TextLogger();
  const remoteWrite = exporter(url, {}, logger);
  await remoteWrite.start();
  await remoteWrite.export({ request: counterRequest(42n) });
  await remoteWrite.shutdown();

  assert.equal(server.received.length, 1);
  const [received] = server.received;
  assert.equal(received.path, '/api/v1/write');
  assert.equal(received.headers['content-encoding'], 'snappy');
  assert.equal(received.headers['content-type'], 'application/x-protobuf');
  assert.equal(received.headers['x-prometheus-remote-write-version'], '0.1.0');
  assert.equal(received.headers['x-scope-orgid'], SECRET);
  assert.match(received.headers['user-agent'] ?? '', /^otel-dp\/\d+\.\d+\.\d+$/);
  const counter = received.request.timeseries.find((series) => series.labels.some((label) => label.name === '__name__' && label.value === 'http_server_requests_total'));
  assert.deepEqual(counter, {
    labels: [
      { name: '__name__', value: 'http_server_requests_total' },
      { name: 'http_route', value: '/users' },
      { name: 'instance', value: 'i-1' },
      { name: 'job', value: 'shop/api' },
      { name: 'otel_scope_name', value: 'otel-dp' },
      { name: 'otel_scope_version', value: '0.1.0' },
    ],
    samples: [{ value: 42, timestampMillis: END_MILLIS }],
  });
  assert.ok(!logger.text.includes(SECRET), 'a header value was logged');
  assert.match(logger.text, /Prometheus remote-write exporter started/);
  assert.equal(remoteWrite.stats().translatedTimeSeries, 2, 'the counter and target_info');
});

test('503 twice then 204: delivered on the third attempt', async () => {
  const { server, url } = await serve((index) => ({ status: index < 2 ? 503 : 204 }));
  const remoteWrite = exporter(url);
  await remoteWrite.export({ request: counterRequest(1n) });
  assert.equal(server.received.length, 3);
  assert.deepEqual(server.received[2].request, server.received[0].request, 'retries resend the same request');
  await remoteWrite.shutdown();
});

test('500 is retried too (remote write retries every 5xx), 429 honours Retry-After', async () => {
  const { server, url } = await serve((index) => (index === 0 ? { status: 500 } : index === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
  const remoteWrite = exporter(url);
  await remoteWrite.export({ request: counterRequest(1n) });
  assert.equal(server.received.length, 3);
  const waited = server.received[2].at - server.received[1].at;
  assert.ok(waited >= 990, `retried ${waited} ms after a 429 asking for 1 s`);
  await remoteWrite.shutdown();
});

for (const status of [400, 401, 404, 413]) {
  test(`${status} is permanent: rejected with the body text, never retried`, async () => {
    const { server, url } = await serve(() => ({ status, headers: { 'content-type': 'text/plain' }, body: `refused\n  with status ${status}` }));
    const remoteWrite = exporter(url);
    await assert.rejects(remoteWrite.export({ request: counterRequest(1n) }), (error: unknown) => {
      assert.ok(error instanceof ExporterError);
      assert.equal(error.code, 'EXPORT_PERMANENT');
      assert.equal(error.message, `export rejected, not retryable: HTTP ${status}: refused with status ${status}`);
      assert.ok(!error.message.includes(SECRET));
      return true;
    });
    // The export settles only after its last attempt was answered: a retry would be counted here.
    assert.equal(server.received.length, 1);
    await remoteWrite.shutdown();
  });
}

test('retries give up after maxElapsedMillis', async () => {
  const { server, url } = await serve(() => ({ status: 503 }));
  const remoteWrite = exporter(url, { retry: { ...FAST_RETRY, maxElapsedMillis: 200 } });
  await assert.rejects(remoteWrite.export({ request: counterRequest(1n) }), (error: unknown) => error instanceof ExporterError && error.code === 'EXPORT_RETRIES_EXHAUSTED');
  assert.ok(server.received.length >= 3, `only ${server.received.length} attempts`);
  await remoteWrite.shutdown();
});

test('delta points are dropped, counted and logged; the rest of the batch is sent', async () => {
  const { server, url } = await serve();
  const logger = new TextLogger();
  const remoteWrite = exporter(url, {}, logger);
  await remoteWrite.export({
    request: requestOf([
      metric('delta.requests', '', { sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [numberPoint(5n), numberPoint(6n, [attribute('a', 'b')])] } }),
      metric('up', '', { gauge: { dataPoints: [numberPoint(1)] } }),
    ]),
  });
  const names = server.received[0].request.timeseries.map((series) => series.labels[0].value).sort();
  assert.deepEqual(names, ['target_info', 'up']);
  assert.equal(remoteWrite.stats().droppedMetricPoints.delta_temporality, 2);
  assert.equal(remoteWrite.stats().droppedMetricPoints.exponential_histogram, 0);
  assert.match(logger.text, /data points Prometheus cannot store were dropped {"droppedMetricPoints":{"delta_temporality":2}}/);
  await remoteWrite.shutdown();
});

test('configuration errors name the field and never quote a header value', () => {
  const cases: Array<[PrometheusRemoteWriteConfig, RegExp]> = [
    [{ url: 'not a url' }, /^url is not a valid URL/],
    [{ url: 'ftp://host/write' }, /^url scheme is ftp:, must be http: or https:$/],
    [{ url: 'http://h/w', headers: { 'Content-Encoding': 'gzip' } }, /^header Content-Encoding is set by the exporter/],
    [{ url: 'http://h/w', headers: { 'bad name': 'x' } }, /^a header name is not a valid HTTP header name/],
    [{ url: 'http://h/w', headers: { auth: `${SECRET}\n` } }, /^header auth has a value with a line break or NUL$/],
    [{ url: 'http://h/w', timeoutMillis: -5 }, /^timeoutMillis is -5, must be zero or positive$/],
    [{ url: 'http://h/w', retry: { ...FAST_RETRY, initialIntervalMillis: 0 } }, /^retry.initialIntervalMillis is 0, must be positive$/],
  ];
  for (const [config, message] of cases) {
    assert.throws(
      () => new PrometheusRemoteWriteExporter(config),
      (error: unknown) => error instanceof ExporterError && error.code === 'EXPORT_CONFIG_INVALID' && message.test(error.message) && !error.message.includes(SECRET),
    );
  }
});

test('start and shutdown are idempotent; export after shutdown is refused', async () => {
  const { server, url } = await serve();
  const logger = new TextLogger();
  const remoteWrite = exporter(url, {}, logger);
  await remoteWrite.start();
  await remoteWrite.start();
  await remoteWrite.export({ request: counterRequest(1n) });
  await Promise.all([remoteWrite.shutdown(), remoteWrite.shutdown()]);
  await assert.rejects(remoteWrite.export({ request: counterRequest(2n) }), (error: unknown) => error instanceof ExporterError && error.code === 'EXPORT_SHUTDOWN');
  assert.equal(server.received.length, 1);
  assert.equal(logger.text.match(/exporter started/g)?.length, 1);
  assert.equal(logger.text.match(/exporter stopped/g)?.length, 1);
});
