import assert from 'node:assert/strict';
import { ExporterError, type RetryConfig } from '@otel-dp/exporter-helper';
import { describeLifecycleContract } from '@otel-dp/pipeline/testing';
import { PrometheusRemoteWriteExporter } from '../src/index.js';
import { attribute, metric, numberPoint, requestOf } from './support/otlp-fixture.js';
import { RemoteWriteTestServer } from './support/remote-write-server.js';

const FAST_RETRY: RetryConfig = { enabled: true, initialIntervalMillis: 20, maxIntervalMillis: 50, maxElapsedMillis: 5000, multiplier: 1.5, randomizationFactor: 0.5 };
const request = requestOf([
  metric('http.server.requests', '{request}', { sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [numberPoint(3n, [attribute('http.route', '/users')])] } }),
]);
const backends = new Map<PrometheusRemoteWriteExporter, RemoteWriteTestServer>();

describeLifecycleContract<PrometheusRemoteWriteExporter>('PrometheusRemoteWriteExporter', {
  async create() {
    const server = new RemoteWriteTestServer();
    const url = await server.start();
    const exporter = new PrometheusRemoteWriteExporter({ url, headers: {}, timeoutMillis: 2000, retry: FAST_RETRY }, { shutdownTimeoutMillis: 5000 });
    backends.set(exporter, server);
    return exporter;
  },
  async assertStarted(exporter) {
    await exporter.export({ request });
    assert.equal(backends.get(exporter)?.received.length, 1);
  },
  async assertStopped(exporter) {
    await assert.rejects(exporter.export({ request }), (error: unknown) => error instanceof ExporterError && error.code === 'EXPORT_SHUTDOWN');
  },
  async dispose(exporter) {
    await backends.get(exporter)?.close();
    backends.delete(exporter);
  },
});
