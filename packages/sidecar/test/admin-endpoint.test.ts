import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger, type BatchExporter, type ExportBatch } from '@otel-dp/pipeline';
import { DEFAULT_DP_CONFIG } from '@otel-dp/processor-dp';
import { DEFAULT_RECEIVER_CONFIG, formatListenAddress } from '@otel-dp/receiver-otlp';
import { startSidecar } from '../src/start-sidecar.js';
import { start, waitFor } from './support/child.js';
import { getText, sampleValue } from './support/http.js';
import { TOKEN, postJson, tokenedRequest } from './support/requests.js';

const HTTP_ACCEPTED = 'otelcol_receiver_accepted_metric_points_total{receiver="otlp",transport="http"}';

describe('admin endpoint of otel-dp run, as a process', () => {
  it('names its address on the ready line and serves health, readiness, metrics and the status page', async () => {
    const child = start([
      'run',
      '--http-listen', '127.0.0.1:0',
      '--grpc-listen', '127.0.0.1:0',
      '--admin-listen', '127.0.0.1:0',
      '--window', '1s',
      // The request's series is public: it is released without partition selection.
      '--public-attribute', 'http.route=/users',
      '--public-attribute', 'service.name=checkout',
      '--otlp-header', 'authorization=Bearer%20hidden-header-value',
    ]);
    try {
      const ready = await child.logLine('ready', 10_000);
      const admin = String(ready.admin);
      assert.match(admin, /^127\.0\.0\.1:[1-9]\d*$/);
      assert.notEqual(admin, ready.http);
      const base = `http://${admin}`;

      assert.deepEqual(await getText(`${base}/healthz`), { status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok\n' });
      assert.equal((await getText(`${base}/readyz`)).status, 200);
      const before = await getText(`${base}/metrics`);
      assert.equal(before.contentType, 'text/plain; version=0.0.4; charset=utf-8');
      assert.equal(sampleValue(before.body, HTTP_ACCEPTED), 0);
      assert.equal(sampleValue(before.body, 'otelcol_receiver_accepted_metric_points_total{receiver="otlp",transport="grpc"}'), 0);

      assert.equal(await postJson(String(ready.http), tokenedRequest()), 200);
      const after = (await getText(`${base}/metrics`)).body;
      assert.equal(sampleValue(after, HTTP_ACCEPTED), 1);
      assert.equal(sampleValue(after, 'otelcol_receiver_requests_total{outcome="success",receiver="otlp",transport="http"}'), 1);
      assert.equal(sampleValue(after, 'otel_dp_processor_accepted_metric_points_total'), 1);
      assert.match(after, /^# TYPE otelcol_receiver_accepted_metric_points_total counter$/m);

      // The public route is released at the end of the window and reaches the debug exporter's queue.
      let metrics = '';
      await waitFor(
        async () => {
          metrics = (await getText(`${base}/metrics`)).body;
          return (sampleValue(metrics, 'otelcol_exporter_sent_batches_total{exporter="debug"}') ?? 0) >= 1;
        },
        10_000,
        'a window sent by the debug exporter',
      );
      assert.ok((sampleValue(metrics, 'otel_dp_processor_windows_released_total') ?? 0) >= 1);
      assert.ok((sampleValue(metrics, 'otel_dp_processor_series_released_total') ?? 0) >= 1);
      assert.ok((sampleValue(metrics, 'otel_dp_budget_epsilon_spent') ?? 0) > 0);
      assert.equal(sampleValue(metrics, 'otel_dp_budget_epsilon_per_window'), 1);
      assert.equal(sampleValue(metrics, 'otelcol_exporter_queue_capacity{exporter="debug"}'), 1000);
      assert.match(child.stdout(), /^ {2}http\.server\.requests \{http\.route=\/users\} /m);

      const page = await getText(`${base}/`);
      assert.equal(page.status, 200);
      assert.match(page.contentType, /^text\/html/);
      assert.match(page.body, /<svg/);
      for (const shown of ['epsilon', 'max-series-per-token', 'debug']) assert.ok(page.body.includes(shown), shown);
      // Listen addresses given as port 0 show the ports bound.
      for (const [key, address] of [['http-listen', String(ready.http)], ['admin-listen', admin]] as const) {
        assert.match(page.body, new RegExp(`<th>${key}</th><td>${String(address).replace(/\./g, '\\.')}</td>`), key);
      }
      assert.ok(!page.body.includes('127.0.0.1:0<'), 'no unbound :0 address');
      for (const text of [after, metrics, page.body, child.stderr()]) {
        assert.ok(!text.includes(TOKEN), 'no token on the admin endpoint or in logs');
        assert.ok(!text.includes('hidden-header-value'), 'no header value');
      }

      child.process.kill('SIGTERM');
      assert.equal((await child.exit(15_000)).code, 0, child.stderr());
    } finally {
      child.process.kill('SIGKILL');
    }
  });

  it('can be turned off', async () => {
    const child = start(['run', '--http-listen', '127.0.0.1:0', '--grpc-listen', 'off', '--admin-listen', 'off']);
    try {
      const ready = await child.logLine('ready', 10_000);
      assert.equal(ready.admin, 'off');
      child.process.kill('SIGTERM');
      assert.equal((await child.exit(15_000)).code, 0, child.stderr());
    } finally {
      child.process.kill('SIGKILL');
    }
  });

  it('fails start-up with exit status 1 when its port is taken', async () => {
    const first = start(['run', '--http-listen', '127.0.0.1:0', '--grpc-listen', 'off', '--admin-listen', '127.0.0.1:0']);
    try {
      const taken = String((await first.logLine('ready', 10_000)).admin);
      const second = start(['run', '--http-listen', '127.0.0.1:0', '--grpc-listen', 'off', '--admin-listen', taken]);
      assert.equal((await second.exit(15_000)).code, 1);
      assert.match(second.stderr(), /"msg":"start-up failed".*ADMIN_LISTEN_FAILED/);
      first.process.kill('SIGTERM');
      assert.equal((await first.exit(15_000)).code, 0);
    } finally {
      first.process.kill('SIGKILL');
    }
  });
});

describe('readiness', () => {
  it('turns 503 as soon as shutdown starts, while /healthz still answers, and the endpoint closes last', async () => {
    let releaseExporter: () => void = () => {};
    const exporterStopped = new Promise<void>((resolve) => (releaseExporter = resolve));
    // An exporter whose shutdown waits for the test: the sidecar is caught mid-shutdown.
    const exporter: BatchExporter & { shutdown(): Promise<void> } = {
      async export(_batch: ExportBatch) {},
      shutdown: () => exporterStopped,
    };
    const sidecar = await startSidecar(
      {
        receiver: { ...DEFAULT_RECEIVER_CONFIG, httpListen: { host: '127.0.0.1', port: 0 }, grpcListen: 'off' },
        processor: DEFAULT_DP_CONFIG,
        delivery: { exporters: [{ kind: 'debug' }], queueSize: 1, queueDir: undefined },
        admin: { listen: { host: '127.0.0.1', port: 0 }, selfTelemetry: undefined },
        logLevel: 'error',
        logFormat: 'json',
      },
      { logger: silentLogger, exporter },
    );
    const base = `http://${formatListenAddress(sidecar.adminAddress!)}`;
    assert.equal((await getText(`${base}/readyz`)).status, 200);
    const stopped = sidecar.shutdown();
    assert.equal((await getText(`${base}/readyz`)).status, 503);
    assert.equal((await getText(`${base}/healthz`)).status, 200);
    releaseExporter();
    await stopped;
    await assert.rejects(fetch(`${base}/healthz`), 'closed after the pipeline');
  });
});
