import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeWriteRequest, snappyDecompress } from '@otel-dp/exporter-prometheus/testing';
import { decodeMetricsRequest } from '@otel-dp/otlp';
import { waitFor } from './support/child.js';
import { getText, RecordingServer, sampleValue } from './support/http.js';
import { startRun } from './support/in-process.js';
import { TOKEN, postJson, tokenedRequest } from './support/requests.js';

/** Flags that release the test request's series in the window it arrives in (a public series of a 1 s window). */
const RELEASE_AT_ONCE = ['--http-listen', '127.0.0.1:0', '--grpc-listen', 'off', '--window', '1s', '--public-attribute', 'http.route=/users', '--public-attribute', 'service.name=checkout'];

/** The metric names and point counts of an OTLP protobuf request. */
function metricsOf(body: Buffer): string[] {
  return decodeMetricsRequest(body).resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.name)));
}

describe('delivery: several exporters', () => {
  it('--exporter debug --exporter otlp: both receive the window, each behind its own persistent queue', async () => {
    const backend = new RecordingServer();
    const port = await backend.listen();
    const queueDir = await mkdtemp(join(tmpdir(), 'otel-dp-queues-'));
    try {
      const run = await startRun([...RELEASE_AT_ONCE, '--exporter', 'debug', '--exporter', 'otlp', '--otlp-endpoint', `http://127.0.0.1:${port}/v1/metrics`, '--exporter-queue-dir', queueDir, '--retry-initial-interval', '100ms']);
      assert.ok(existsSync(join(queueDir, 'debug')) && existsSync(join(queueDir, 'otlp')), 'one queue directory per exporter');
      assert.equal(await postJson(String(run.ready.http), tokenedRequest()), 200);
      const released = (): boolean => backend.requests.some((request) => metricsOf(request.body).includes('http.server.requests'));
      await waitFor(() => released() && /^ {2}http\.server\.requests \{http\.route=\/users\} /m.test(run.stdout()), 10_000, 'the window at both exporters');
      assert.equal(backend.requests[0].path, '/v1/metrics');
      assert.equal(backend.requests[0].headers['content-type'], 'application/x-protobuf');

      const metrics = (await getText(`http://${String(run.ready.admin)}/metrics`)).body;
      for (const exporter of ['debug', 'otlp']) {
        assert.ok((sampleValue(metrics, `otelcol_exporter_sent_batches_total{exporter="${exporter}"}`) ?? 0) >= 1, exporter);
        assert.equal(sampleValue(metrics, `otelcol_exporter_send_failed_batches_total{exporter="${exporter}"}`), 0, exporter);
      }
      const page = (await getText(`http://${String(run.ready.admin)}/`)).body;
      assert.match(page, /<td>otlp<\/td><td><span class="ok">healthy<\/span><\/td><td>last window sent \d+ s ago; 0 of 1000 windows waiting<\/td>/);

      run.stop.abort('SIGTERM');
      assert.equal(await run.exit, 0);
      assert.ok(!backend.requests.some((request) => request.body.includes(TOKEN)), 'no token reaches the backend');
    } finally {
      await backend.close();
      await rm(queueDir, { recursive: true, force: true });
    }
  });

  it('--exporter prometheus-remote-write: writes the window with its headers, and publishes the translation counters', async () => {
    const prometheus = new RecordingServer({ status: 204, contentType: 'text/plain', body: '' });
    const port = await prometheus.listen();
    try {
      const run = await startRun([...RELEASE_AT_ONCE, '--remote-write-url', `http://127.0.0.1:${port}/api/v1/write`, '--remote-write-header', 'X-Scope-OrgID=team-a']);
      assert.equal(await postJson(String(run.ready.http), tokenedRequest()), 200);
      const names = (): string[] =>
        prometheus.requests.flatMap((request) =>
          decodeWriteRequest(snappyDecompress(request.body)).timeseries.map((series) => series.labels.find((label) => label.name === '__name__')?.value ?? ''),
        );
      await waitFor(() => names().includes('http_server_requests_total'), 10_000, 'a remote write of the window');
      assert.equal(prometheus.requests[0].headers['x-scope-orgid'], 'team-a');
      assert.equal(prometheus.requests[0].headers['content-encoding'], 'snappy');
      const metrics = (await getText(`http://${String(run.ready.admin)}/metrics`)).body;
      assert.ok((sampleValue(metrics, 'otelcol_exporter_prometheusremotewrite_translated_time_series_total') ?? 0) >= 1);
      assert.equal(sampleValue(metrics, 'otelcol_exporter_prometheusremotewrite_dropped_metric_points_total{reason="delta_temporality"}'), 0);
      assert.ok((sampleValue(metrics, 'otelcol_exporter_sent_batches_total{exporter="prometheus-remote-write"}') ?? 0) >= 1);
      run.stop.abort('SIGTERM');
      assert.equal(await run.exit, 0);
    } finally {
      await prometheus.close();
    }
  });

  it('reports an exporter whose backend refuses every window as unhealthy, and counts the failures', async () => {
    const broken = new RecordingServer({ status: 400, contentType: 'text/plain', body: 'refused' });
    const port = await broken.listen();
    try {
      const run = await startRun([...RELEASE_AT_ONCE, '--otlp-endpoint', `http://127.0.0.1:${port}/v1/metrics`]);
      assert.equal(await postJson(String(run.ready.http), tokenedRequest()), 200);
      const admin = `http://${String(run.ready.admin)}`;
      await waitFor(
        async () => (sampleValue((await getText(`${admin}/metrics`)).body, 'otelcol_exporter_send_failed_batches_total{exporter="otlp"}') ?? 0) >= 1,
        10_000,
        'a failed window',
      );
      assert.match((await getText(`${admin}/`)).body, /<td>otlp<\/td><td><span class="[a-z]+">[a-z ]+<\/span><\/td><td>last window given up \d+ s ago \(EXPORT_PERMANENT\)/);
      assert.ok(run.logs().some((record) => record.level === 'error'), 'the failure is logged');
      run.stop.abort('SIGTERM');
      assert.equal(await run.exit, 0);
    } finally {
      await broken.close();
    }
  });
});
