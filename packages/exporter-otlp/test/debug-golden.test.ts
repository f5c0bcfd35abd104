import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import type { WindowSummary } from '@otel-dp/pipeline';
import { DebugExporter } from '../src/index.js';

const WINDOW_START = 1_714_564_800_000_000_000n; // 2024-05-01T12:00:00Z
/** Tests run from dist/test; the golden file lives beside the sources. */
const GOLDEN = new URL('../../test/testdata/debug-window.txt', import.meta.url);

/** Every kind of line the debug exporter prints for a release, with numbers a reader can check by hand. */
function summary(): WindowSummary {
  const api = { key: 'service.name', value: { stringValue: 'api' } };
  const route = (path: string) => ({ key: 'http.route', value: { stringValue: path } });
  return {
    windowStartUnixNano: WINDOW_START,
    windowEndUnixNano: WINDOW_START + 2_000_000_000n,
    mechanism: 'gaussian',
    epsilon: 1,
    delta: 1e-9,
    suppressedSeries: 1,
    budget: { horizonMillis: 3_600_000, spentEpsilon: 4.5, spentDelta: 4.5e-9, remainingEpsilon: undefined },
    waiting: [
      { metric: 'http.server.request.duration', series: 2 },
      { metric: 'http.server.requests', series: 6 },
    ],
    selection: { threshold: 112.7349, stdDev: 20.87991 },
    series: [
      { metric: 'http.server.requests', kind: 'sum', unit: '{request}', attributes: [api, route('/users')], value: 1204, cumulative: 5310, cumulativeStdDev: 40.1, noiseStdDev: 12.5 },
      // Ten observations in 0..5 ms, 80 in 5..100 ms, 10 in 100..250 ms: p50 = 5 + 95·40/80 = 52.5, p90 = 100, p99 = 100 + 150·9/10 = 235.
      {
        metric: 'http.server.request.duration',
        kind: 'histogram',
        unit: 'ms',
        attributes: [route('/users')],
        value: 100,
        noiseStdDev: 3.25,
        histogram: { scope: 'window', lowerBounds: [-Infinity, 0, 5, 100, 250], upperBounds: [0, 5, 100, 250, Infinity], counts: [0, 10, 80, 10, 0], sum: 6000 },
      },
      // Mostly in the overflow bucket: the quantiles can only say which side of 250 they lie.
      {
        metric: 'http.server.request.duration',
        kind: 'histogram',
        unit: 'ms',
        attributes: [route('/export')],
        value: 20,
        cumulative: 40,
        cumulativeStdDev: 4.6,
        noiseStdDev: 3.25,
        histogram: { scope: 'cumulative', lowerBounds: [-Infinity, 0, 5, 100, 250], upperBounds: [0, 5, 100, 250, Infinity], counts: [1, 0, 0, 0, 39], sum: 52000 },
      },
      // Every bucket clamped to zero by post-processing.
      {
        metric: 'http.server.request.duration',
        kind: 'histogram',
        unit: 'ms',
        attributes: [route('/health')],
        value: 0,
        noiseStdDev: 3.25,
        histogram: { scope: 'window', lowerBounds: [-Infinity, 0], upperBounds: [0, Infinity], counts: [0, 0], sum: 0 },
      },
      { metric: 'process.memory.usage', kind: 'gauge', gaugeAggregation: 'mean', unit: 'By', attributes: [api], value: 52_428_800, noiseStdDev: 1_048_576 },
      { metric: 'queue.depth', kind: 'gauge', gaugeAggregation: 'sum', unit: '1', attributes: [api], value: 17, noiseStdDev: 2.5 },
    ],
  };
}

test('without selection (undeclaredSeries drop) the waiting line says how to release a series', async () => {
  const output: string[] = [];
  const exporter = new DebugExporter({ write: (text) => output.push(text) });
  const { selection: _, ...dropped } = summary();
  await exporter.export({ request: { resourceMetrics: [] }, summary: { ...dropped, series: [] } });
  assert.match(output[0], /^ {2}waiting for partition selection: http\.server\.request\.duration 2 series, http\.server\.requests 6 series; undeclared series are never released \(undeclaredSeries drop\)/m);
});

test('a window with every kind of series prints as the golden file says', async () => {
  const output: string[] = [];
  const exporter = new DebugExporter({ write: (text) => output.push(text) });
  await exporter.export({ request: { resourceMetrics: [] }, summary: summary() });
  const text = output.join('');
  // UPDATE_GOLDEN=1 rewrites the file after a deliberate change of format; review its diff.
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, text);
  assert.equal(text, readFileSync(GOLDEN, 'utf8'));
});
