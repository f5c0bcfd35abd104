import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ExportMetricsServiceRequest, KeyValue, Metric } from '@otel-dp/otlp';
import { AdminConfigError, AdminStartError, SelfTelemetry, type MetricSample } from '../src/index.js';
import { OtlpHttpSink } from './support/otlp-http-sink.js';
import { RecordingLogger } from '@otel-dp/pipeline/testing';

const CUMULATIVE = 2;
const TOKEN_LIKE = 'tok_9f8e7d6c5b4a39281706f5e4';

function metricsOf(request: ExportMetricsServiceRequest): Map<string, Metric> {
  const out = new Map<string, Metric>();
  for (const resource of request.resourceMetrics) {
    for (const scope of resource.scopeMetrics) for (const metric of scope.metrics) out.set(metric.name, metric);
  }
  return out;
}

function attributes(list: KeyValue[]): Record<string, string | undefined> {
  return Object.fromEntries(list.map((kv) => [kv.key, kv.value.stringValue]));
}

/** Each point of a sum or gauge as its attributes (JSON) and value. */
function points(metric: Metric | undefined): Map<string, number | undefined> {
  const data = metric?.sum?.dataPoints ?? metric?.gauge?.dataPoints ?? [];
  return new Map(data.map((point) => [JSON.stringify(attributes(point.attributes)), point.asDouble ?? (point.asInt === undefined ? undefined : Number(point.asInt))]));
}

describe('SelfTelemetry', () => {
  const sink = new OtlpHttpSink();
  let base = '';
  before(async () => {
    base = await sink.listen();
  });
  after(() => sink.close());

  it('exports the sources over OTLP/HTTP JSON with service.name=otel-dp, counters as cumulative sums', async () => {
    const state = { accepted: 5, queue: 2, late: false };
    const source = (): MetricSample[] => [
      { name: 'otelcol_receiver_accepted_metric_points', help: 'Points accepted.', type: 'counter', labels: { transport: 'http' }, value: state.accepted },
      { name: 'otelcol_receiver_accepted_metric_points', help: 'Points accepted.', type: 'counter', labels: { transport: 'grpc' }, value: 1 },
      { name: 'otelcol_exporter_queue_size', help: 'Batches waiting.', type: 'gauge', labels: { exporter: 'otlp' }, value: state.queue },
      { name: 'otel_dp_points_dropped', help: 'Points dropped.', type: 'counter', labels: { reason: TOKEN_LIKE }, value: 9 },
      ...(state.late ? [{ name: 'otel_dp_budget_epsilon_spent', help: 'ε spent.', type: 'gauge' as const, value: 1.5 }] : []),
    ];
    const logger = new RecordingLogger();
    const telemetry = new SelfTelemetry({ endpoint: `${base}/v1/metrics`, intervalMillis: 60_000, sources: [source], headers: { 'x-scope': 'ops' }, logger });
    sink.received.length = 0;
    try {
      await telemetry.start();
      assert.match(logger.at('warn')[0]?.message ?? '', /exact sums over all tokens and NOT privatized/);
      await telemetry.flush();
      assert.equal(sink.received.length, 1);
      const first = sink.received[0];
      assert.equal(first?.path, '/v1/metrics');
      assert.equal(first?.headers['content-type'], 'application/json');
      assert.equal(first?.headers['x-scope'], 'ops');
      assert.ok(!first?.body.includes(TOKEN_LIKE), 'the unsafe label never leaves');
      const resource = first?.request.resourceMetrics[0]?.resource;
      assert.equal(attributes(resource?.attributes ?? [])['service.name'], 'otel-dp');

      const metrics = metricsOf(first?.request as ExportMetricsServiceRequest);
      assert.deepEqual([...metrics.keys()].sort(), ['otelcol_exporter_queue_size', 'otelcol_receiver_accepted_metric_points']);
      const accepted = metrics.get('otelcol_receiver_accepted_metric_points');
      assert.equal(accepted?.description, 'Points accepted.');
      assert.equal(accepted?.sum?.isMonotonic, true);
      assert.equal(accepted?.sum?.aggregationTemporality, CUMULATIVE);
      assert.deepEqual(points(accepted), new Map([[JSON.stringify({ transport: 'http' }), 5], [JSON.stringify({ transport: 'grpc' }), 1]]));
      assert.deepEqual(points(metrics.get('otelcol_exporter_queue_size')), new Map([[JSON.stringify({ exporter: 'otlp' }), 2]]));
      assert.ok(metrics.get('otelcol_exporter_queue_size')?.gauge !== undefined);

      // New values, and a name first seen now: exported from the collection after the one that saw it.
      state.accepted = 8;
      state.queue = 0;
      state.late = true;
      await telemetry.flush();
      const second = metricsOf(sink.received[1]?.request as ExportMetricsServiceRequest);
      assert.equal(points(second.get('otelcol_receiver_accepted_metric_points')).get(JSON.stringify({ transport: 'http' })), 8);
      assert.equal(points(second.get('otelcol_exporter_queue_size')).get(JSON.stringify({ exporter: 'otlp' })), 0);
      await telemetry.flush();
      const third = metricsOf(sink.received[2]?.request as ExportMetricsServiceRequest);
      assert.deepEqual(points(third.get('otel_dp_budget_epsilon_spent')), new Map([[JSON.stringify({}), 1.5]]));
      assert.deepEqual(sink.undecodable, []);
      assert.ok(!logger.text().includes(TOKEN_LIKE));
      assert.ok(!logger.text().includes('ops'), 'header values are never logged');
    } finally {
      await telemetry.shutdown();
    }
  });

  it('exports on its interval, and once more at shutdown', async () => {
    const telemetry = new SelfTelemetry({ endpoint: base, intervalMillis: 150, sources: [() => [{ name: 'ticks', help: 'Ticks.', type: 'counter', value: 1 }]] });
    sink.received.length = 0;
    await telemetry.start();
    await sink.waitFor(2, 5000);
    assert.equal(sink.received[0]?.path, '/v1/metrics', 'the OTLP path is added to a bare endpoint');
    const before = sink.received.length;
    await telemetry.shutdown();
    assert.equal(sink.received.length, before + 1, 'shutdown exports a last time');
    await assert.rejects(telemetry.start(), (error: unknown) => error instanceof AdminStartError && error.code === 'ADMIN_SHUT_DOWN');
  });

  it('logs a failing export at warn once, then at debug, and the recovery at info', async () => {
    const logger = new RecordingLogger();
    const telemetry = new SelfTelemetry({ endpoint: base, intervalMillis: 60_000, sources: [() => [{ name: 'ticks', help: 'Ticks.', type: 'counter', value: 1 }]], logger });
    try {
      await telemetry.start();
      sink.status = 400;
      await telemetry.flush();
      await telemetry.flush();
      sink.status = 200;
      await telemetry.flush();
      const messages = logger.records.filter((entry) => entry.message.includes('export')).map((entry) => `${entry.level} ${entry.message}`);
      assert.deepEqual(messages, [
        'warn self-telemetry export failed; the counters are still served on the admin endpoint',
        'debug self-telemetry export failed again',
        'info self-telemetry export works again',
      ]);
    } finally {
      sink.status = 200;
      await telemetry.shutdown();
    }
  });

  it('refuses malformed options, never repeating a password or header value', () => {
    const invalid = (options: Partial<ConstructorParameters<typeof SelfTelemetry>[0]>, pattern: RegExp, secret?: string): void => {
      assert.throws(
        () => new SelfTelemetry({ endpoint: 'http://127.0.0.1:4318', sources: [], ...options }),
        (error: unknown) => {
          assert.ok(error instanceof AdminConfigError);
          assert.equal(error.code, 'ADMIN_CONFIG_INVALID');
          assert.match(error.message, pattern);
          if (secret !== undefined) assert.ok(!error.message.includes(secret));
          return true;
        },
      );
    };
    invalid({ endpoint: 'collector:4318' }, /endpoint has scheme collector, must be http or https/);
    invalid({ endpoint: 'not a url' }, /endpoint is not a URL/);
    invalid({ endpoint: 'https://ops:hunter2secret@collector:4318' }, /holds a user name or password/, 'hunter2secret');
    invalid({ endpoint: 'https://collector:4318/v1/metrics?key=abc123secret' }, /has a query or fragment/, 'abc123secret');
    invalid({ intervalMillis: 50 }, /interval is 50 ms, must be a whole number of at least 100/);
    invalid({ headers: { authorization: 'Bearer x\r\nInjected: 1' } }, /header authorization has a value with a line break/, 'Injected');
    invalid({ headers: { 'bad header': 'x' } }, /not a valid HTTP header name/);
    assert.equal(new SelfTelemetry({ endpoint: 'https://collector:4318/', sources: [] }).endpoint, 'https://collector:4318/v1/metrics');
    assert.equal(new SelfTelemetry({ endpoint: 'http://collector:4318/otlp/v1/metrics', sources: [] }).endpoint, 'http://collector:4318/otlp/v1/metrics');
  });
});
