import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WindowSummary } from '@otel-dp/pipeline';
import { ExporterError } from '@otel-dp/exporter-helper';
import { DebugExporter } from '../src/index.js';
import { sampleRequest } from '@otel-dp/otlp/testing';

const WINDOW_START = 1_714_564_800_000_000_000n; // 2024-05-01T12:00:00Z

function summary(): WindowSummary {
  return {
    windowStartUnixNano: WINDOW_START,
    windowEndUnixNano: WINDOW_START + 60_000_000_000n,
    mechanism: 'gaussian',
    epsilon: 1,
    delta: 1e-9,
    suppressedSeries: 3,
    // Deliberately out of order: the output sorts them.
    series: [
      {
        metric: 'http.server.requests',
        attributes: [
          { key: 'service.name', value: { stringValue: 'api' } },
          { key: 'http.route', value: { stringValue: '/users' } },
        ],
        value: 1204,
        cumulative: 5310,
        cumulativeStdDev: 40.1,
        noiseStdDev: 12.5,
      },
      {
        metric: 'http.server.duration.sum',
        attributes: [
          { key: 'http.route', value: { stringValue: '/a b' } },
          { key: 'http.status_code', value: { intValue: 200n } },
        ],
        value: 0.123456789,
        noiseStdDev: 1 / 3,
      },
    ],
  };
}

function capture(): { exporter: DebugExporter; output: string[] } {
  const output: string[] = [];
  return { exporter: new DebugExporter({ write: (text) => output.push(text) }), output };
}

test('a DP release prints its summary in the documented format', async () => {
  const { exporter, output } = capture();
  await exporter.start();
  await exporter.export({ request: sampleRequest(), summary: summary() });
  assert.deepEqual(output, [
    'dp window 2024-05-01T12:00:00.000Z – 2024-05-01T12:01:00.000Z mechanism=gaussian ε=1 δ=1e-9 released=2 suppressed=3\n' +
      '  ± is one standard deviation of the noise in the number before it\n' +
      '  http.server.duration.sum {http.route="/a b", http.status_code=200} 0.123457 ±0.333333 this window\n' +
      '  http.server.requests {http.route=/users, service.name=api} 1204 ±12.5 this window, total 5310 ±40.1 cumulative\n',
  ]);
});

test('a kind the exporter knows nothing more of prints its name before its numbers', async () => {
  const { exporter, output } = capture();
  const series = [{ metric: 'rpc.latency', kind: 'summary-count', attributes: [], value: 675, noiseStdDev: 4.5 }];
  await exporter.export({ request: sampleRequest(), summary: { ...summary(), series } });
  assert.match(output[0], /^ {2}rpc\.latency \{\} summary-count 675 ±4\.5 this window$/m);
});

test('the budget status follows the header when present', async () => {
  const { exporter, output } = capture();
  const capped = { horizonMillis: 3_600_000, spentEpsilon: 3, spentDelta: 3e-9, remainingEpsilon: 7 };
  await exporter.export({ request: { resourceMetrics: [] }, summary: { ...summary(), series: [], budget: capped } });
  await exporter.export({ request: { resourceMetrics: [] }, summary: { ...summary(), series: summary().series.slice(0, 1), budget: { ...capped, horizonMillis: 90_000, remainingEpsilon: undefined } } });
  assert.deepEqual(output, [
    'dp window 2024-05-01T12:00:00.000Z – 2024-05-01T12:01:00.000Z mechanism=gaussian ε=1 δ=1e-9 released=0 suppressed=3\n' +
      '  privacy budget over 1h: spent ε=3 δ=3e-9, remaining ε=7\n',
    'dp window 2024-05-01T12:00:00.000Z – 2024-05-01T12:01:00.000Z mechanism=gaussian ε=1 δ=1e-9 released=1 suppressed=3\n' +
      '  privacy budget over 90s: spent ε=3 δ=3e-9, no cap\n' +
      '  ± is one standard deviation of the noise in the number before it\n' +
      '  http.server.requests {http.route=/users, service.name=api} 1204 ±12.5 this window, total 5310 ±40.1 cumulative\n',
  ]);
});

test('an empty release prints only its header', async () => {
  const { exporter, output } = capture();
  await exporter.export({ request: { resourceMetrics: [] }, summary: { ...summary(), series: [], suppressedSeries: 0 } });
  assert.deepEqual(output, ['dp window 2024-05-01T12:00:00.000Z – 2024-05-01T12:01:00.000Z mechanism=gaussian ε=1 δ=1e-9 released=0 suppressed=0\n']);
});

test('data forwarded untouched says so and lists its points', async () => {
  const { exporter, output } = capture();
  await exporter.export({ request: sampleRequest(7) });
  assert.deepEqual(output, [
    'untokened data forwarded untouched (no privacy applied): 3 points\n' +
      '  http.server.requests {http.route=/users, service.name=checkout} sum 7\n' +
      '  queue.depth {service.name=checkout} gauge 2.5\n' +
      '  http.server.duration {http.route=/users, service.name=checkout} histogram count=6 sum=123.5 buckets=[1, 2, 3] bounds=[10, 100]\n',
  ]);
});

test('export after shutdown is refused', async () => {
  const { exporter, output } = capture();
  await exporter.shutdown();
  await exporter.shutdown();
  await assert.rejects(exporter.export({ request: sampleRequest() }), (error: unknown) => error instanceof ExporterError && error.code === 'EXPORT_SHUTDOWN');
  assert.deepEqual(output, []);
});
