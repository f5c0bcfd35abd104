import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ExporterError } from '@otel-dp/exporter-helper';
import type { ExportMetricsServiceRequest } from '@otel-dp/otlp';
import { PrometheusRemoteWriteExporter } from '../src/index.js';
import { attribute, histogramPoint, metric, numberPoint, requestOf } from './support/otlp-fixture.js';
import { INSTALL_HINT, PrometheusServer, prometheusInstalled, type VectorSample } from './support/prometheus-server.js';

// Written a minute ago, so that a later window can follow without reaching into the future.
const FIRST_MILLIS = Math.floor(Date.now() / 1000) * 1000 - 60_000;
const SECOND_MILLIS = FIRST_MILLIS + 30_000;
const prometheus = new PrometheusServer();
let exporter: PrometheusRemoteWriteExporter;

before(async () => {
  assert.ok(prometheusInstalled(), INSTALL_HINT);
  await prometheus.start();
  exporter = new PrometheusRemoteWriteExporter(
    { url: `${prometheus.baseUrl}/api/v1/write`, retry: { enabled: true, initialIntervalMillis: 50, maxIntervalMillis: 100, maxElapsedMillis: 2000, multiplier: 1.5, randomizationFactor: 0.5 } },
    { shutdownTimeoutMillis: 0 },
  );
  await exporter.start();
});

after(async () => {
  await exporter?.shutdown();
  await prometheus.stop();
});

function window(atMillis: number, requests: bigint, bucketCounts: bigint[]): ExportMetricsServiceRequest {
  const nanos = BigInt(atMillis) * 1_000_000n;
  const route = [attribute('http.route', '/users')];
  return requestOf([
    metric('http.server.requests', '{request}', { sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [numberPoint(requests, route, nanos)] } }),
    metric('queue.utilization', '1', { gauge: { dataPoints: [numberPoint(0.25, [], nanos)] } }),
    metric('http.server.duration', 'ms', { histogram: { aggregationTemporality: 2, dataPoints: [{ ...histogramPoint(bucketCounts, [10, 100], 640.5, route), timeUnixNano: nanos }] } }),
  ]);
}

function only(result: VectorSample[]): VectorSample {
  assert.equal(result.length, 1, `expected one series, got ${JSON.stringify(result)}`);
  return result[0];
}

test('a real Prometheus stores what the exporter writes, under the translated names and labels', async () => {
  await exporter.export({ request: window(FIRST_MILLIS, 42n, [1n, 2n, 3n]) });
  const at = FIRST_MILLIS / 1000;

  const counter = only(await prometheus.query('http_server_requests_total', at));
  assert.deepEqual(counter.metric, {
    __name__: 'http_server_requests_total',
    http_route: '/users',
    instance: 'i-1',
    job: 'shop/api',
    otel_scope_name: 'otel-dp',
    otel_scope_version: '0.1.0',
  });
  assert.deepEqual(counter.value, [at, '42']);
  assert.equal(only(await prometheus.query('queue_utilization_ratio', at)).value[1], '0.25');

  const buckets = await prometheus.query('http_server_duration_milliseconds_bucket', at);
  assert.deepEqual(Object.fromEntries(buckets.map((sample) => [sample.metric.le, sample.value[1]])), { '10': '1', '100': '3', '+Inf': '6' });
  assert.equal(only(await prometheus.query('http_server_duration_milliseconds_sum', at)).value[1], '640.5');
  assert.equal(only(await prometheus.query('http_server_duration_milliseconds_count', at)).value[1], '6');

  const info = only(await prometheus.query('target_info', at));
  assert.deepEqual(info.metric, { __name__: 'target_info', deployment_environment: 'prod', instance: 'i-1', job: 'shop/api' });
});

test('a later window continues the series; Prometheus computes the increase', async () => {
  await exporter.export({ request: window(SECOND_MILLIS, 60n, [2n, 4n, 4n]) });
  const at = SECOND_MILLIS / 1000;
  assert.equal(only(await prometheus.query('http_server_requests_total', at)).value[1], '60');
  const increase = only(await prometheus.query('http_server_requests_total - http_server_requests_total offset 30s', at));
  assert.equal(increase.value[1], '18');
  // Cumulative buckets 2, 6, 10: the median (rank 5) lies 3/4 into (10, 100], so 10 + 90 · 3/4.
  assert.equal(only(await prometheus.query('histogram_quantile(0.5, http_server_duration_milliseconds_bucket)', at)).value[1], '77.5');
});

test('an out-of-order sample is refused by Prometheus with 400, a permanent failure', async () => {
  await assert.rejects(exporter.export({ request: window(FIRST_MILLIS - 30_000, 1n, [1n, 0n, 0n]) }), (error: unknown) => {
    assert.ok(error instanceof ExporterError, String(error));
    assert.equal(error.code, 'EXPORT_PERMANENT');
    assert.match(error.message, /HTTP 400: .*out of (order|bounds)/);
    return true;
  });
});
