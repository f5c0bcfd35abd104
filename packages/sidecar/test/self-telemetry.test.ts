import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMetricsRequest, decodeMetricsRequestJson, type ExportMetricsServiceRequest } from '@otel-dp/otlp';
import { waitFor } from './support/child.js';
import { RecordingServer, type RecordedRequest } from './support/http.js';
import { startRun } from './support/in-process.js';
import { postJson, tokenedRequest } from './support/requests.js';

function decode(request: RecordedRequest): ExportMetricsServiceRequest {
  return String(request.headers['content-type']).startsWith('application/json') ? decodeMetricsRequestJson(request.body) : decodeMetricsRequest(request.body);
}

/** The latest value of a metric's sum points, by the value of its `transport` attribute. */
function sumByTransport(requests: readonly RecordedRequest[], name: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const request of requests) {
    for (const metric of decode(request).resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics))) {
      if (metric.name !== name) continue;
      for (const point of metric.sum?.dataPoints ?? []) {
        const transport = point.attributes.find((attribute) => attribute.key === 'transport')?.value.stringValue ?? '';
        values.set(transport, Number(point.asInt ?? point.asDouble));
      }
    }
  }
  return values;
}

describe('--self-telemetry-endpoint', () => {
  it('pushes the admin counters over OTLP/HTTP, with a warning that they are not privatized', async () => {
    const collector = new RecordingServer();
    const port = await collector.listen();
    try {
      const run = await startRun(['--http-listen', '127.0.0.1:0', '--grpc-listen', 'off', '--self-telemetry-endpoint', `http://127.0.0.1:${port}`, '--self-telemetry-interval', '200ms']);
      const warning = run.logs().find((record) => record.level === 'warn' && /NOT privatized/.test(String(record.msg)));
      assert.ok(warning, 'a warning at start');
      assert.equal(await postJson(String(run.ready.http), tokenedRequest()), 200);
      await waitFor(() => sumByTransport(collector.requests, 'otelcol_receiver_accepted_metric_points').get('http') === 1, 10_000, 'the accepted point exported');
      assert.equal(collector.requests[0].path, '/v1/metrics');
      const resource = decode(collector.requests[0]).resourceMetrics[0].resource;
      assert.ok(resource?.attributes.some((attribute) => attribute.key === 'service.name' && attribute.value.stringValue === 'otel-dp'));
      run.stop.abort('SIGTERM');
      assert.equal(await run.exit, 0);
    } finally {
      await collector.close();
    }
  });

  it('is off by default: nothing is pushed and nothing warns', async () => {
    const run = await startRun(['--http-listen', '127.0.0.1:0', '--grpc-listen', 'off']);
    assert.ok(!run.logs().some((record) => /privatized/.test(String(record.msg))));
    run.stop.abort('SIGTERM');
    assert.equal(await run.exit, 0);
  });
});
