import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prometheusName, type MetricSample } from '../src/index.js';
import { escapeHelp, escapeLabelValue, formatExposition } from '../src/prometheus-text.js';
import { checkSamples } from '../src/sample-check.js';
import { parseExposition } from './support/exposition-parser.js';

describe('exposition text', () => {
  it('adds _total to counters that lack it, and to nothing else', () => {
    assert.equal(prometheusName({ name: 'otelcol_exporter_sent_metric_points', type: 'counter' }), 'otelcol_exporter_sent_metric_points_total');
    assert.equal(prometheusName({ name: 'otel_dp_processor_series_released_total', type: 'counter' }), 'otel_dp_processor_series_released_total');
    assert.equal(prometheusName({ name: 'otelcol_exporter_queue_size', type: 'gauge' }), 'otelcol_exporter_queue_size');
  });

  it('escapes backslash, double quote and line feed in label values, and backslash and line feed in help', () => {
    assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
    assert.equal(escapeLabelValue('plain'), 'plain');
    assert.equal(escapeHelp('a\\b"c\nd'), 'a\\\\b"c\\nd');
  });

  it('keeps the samples of a metric together under one HELP and TYPE, in first-seen order, labels sorted', () => {
    const samples: MetricSample[] = [
      { name: 'a', help: 'A.', type: 'counter', labels: { z: '1', b: '2' }, value: 1 },
      { name: 'b', help: 'B.', type: 'gauge', value: 0.25 },
      { name: 'a', help: 'A again.', type: 'counter', labels: { z: '3', b: '4' }, value: 1e21 },
    ];
    const text = formatExposition(samples);
    assert.equal(
      text,
      '# HELP a_total A.\n# TYPE a_total counter\na_total{b="2",z="1"} 1\na_total{b="4",z="3"} 1e+21\n' + '# HELP b B.\n# TYPE b gauge\nb 0.25\n',
    );
    assert.equal(parseExposition(text).get('a_total')?.samples[1]?.value, 1e21);
  });
});

describe('checkSamples', () => {
  const gauge = (labels: Record<string, string>): MetricSample => ({ name: 'g', help: 'G.', type: 'gauge', labels, value: 1 });

  it('keeps labels from fixed vocabularies', () => {
    for (const value of ['untokened', 'unspecified_temporality', 'otlp', 'prometheus-remote-write', 'grpc', 'otlp/backend:4318', '']) {
      assert.equal(checkSamples([gauge({ v: value })]).kept.length, 1, value);
    }
  });

  it('drops credential-shaped, long and control-character label values', () => {
    const unsafe = [
      'sk_live_51HxYzAbCdEf0123456789',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlMTIzNDU2Nzg5',
      'Bearer 9f3kQ2x7Lm',
      '550e8400-e29b-41d4-a716-446655440000',
      '0123456789abcdef0123456789abcdef',
      'a'.repeat(65),
      'tab\there',
      'nul\u0000',
    ];
    for (const value of unsafe) {
      const { kept, dropped } = checkSamples([gauge({ v: value })]);
      assert.equal(kept.length, 0, value);
      assert.equal(dropped.length, 1);
      assert.ok(!dropped[0]?.reason.includes(value), 'the reason never repeats the value');
    }
  });

  it('drops samples that are not objects or lack fields, without throwing', () => {
    const broken = [null, 5, { name: 'x', type: 'gauge', value: 1 }, { name: 'x', help: 'X.', type: 'histogram', value: 1 }, { name: 'x', help: 'X.', type: 'gauge', value: '1' }, { name: 'x', help: 'X.', type: 'gauge', value: 1, labels: { v: 2 } }];
    const { kept, dropped } = checkSamples(broken as unknown as MetricSample[]);
    assert.equal(kept.length, 0);
    assert.deepEqual(
      dropped.map((entry) => entry.reason),
      [
        'is not an object',
        'is not an object',
        'has no help text',
        "has a type other than 'counter' or 'gauge'",
        'has a value that is not a finite number',
        'has label v with a value that is not a string',
      ],
    );
  });
});
