import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countDataPoints, decodeMetricsRequest, encodeMetricsRequest } from '@otel-dp/otlp';
import { fillRequest, fillShape, type Kind } from '../src/memory-at-limits.js';

describe('memory-at-limits: the window fill', () => {
  it('takes every token, one series short of the series cap, within a million entries', () => {
    assert.deepEqual(fillShape({ maxTokens: 1000, maxSeries: 100, maxRequestBytes: 1 }), { seriesPerToken: 99, pairs: 99_000 });
    assert.deepEqual(fillShape({ maxTokens: 100_000, maxSeries: 100_000, maxRequestBytes: 1 }), { seriesPerToken: 10, pairs: 1_000_000 });
    assert.deepEqual(fillShape({ maxTokens: 5, maxSeries: 1, maxRequestBytes: 1 }), { seriesPerToken: 1, pairs: 5 });
  });

  it('writes each pair once, as a point of the kind asked for, that decodes', () => {
    for (const kind of ['sum', 'histogram', 'exponential'] as Kind[]) {
      const seen = new Set<string>();
      for (const first of [0, 300]) {
        const request = decodeMetricsRequest(encodeMetricsRequest(fillRequest(kind, first, 300, 7)));
        assert.equal(countDataPoints(request), 300);
        const [metric] = request.resourceMetrics[0].scopeMetrics[0].metrics;
        const points = metric.sum?.dataPoints ?? metric.histogram?.dataPoints ?? metric.exponentialHistogram?.dataPoints ?? [];
        assert.equal(kind === 'sum' ? metric.sum !== undefined : kind === 'histogram' ? metric.histogram !== undefined : metric.exponentialHistogram !== undefined, true, kind);
        for (const point of points) seen.add(point.attributes.map((attribute) => attribute.value.stringValue).join('|'));
      }
      assert.equal(seen.size, 600, `${kind}: 600 distinct (token, series) pairs`);
      const tokens = new Set([...seen].map((key) => key.split('|')[0]));
      assert.equal(tokens.size, Math.ceil(600 / 7), `${kind}: 7 series per token`);
    }
  });
});
