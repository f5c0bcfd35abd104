import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PROMETHEUS_CONTENT_TYPE, type MetricSample } from '../src/index.js';
import { startAdmin } from './support/admin-fixture.js';
import { parseExposition } from './support/exposition-parser.js';

/** A token-shaped value: what a label must never carry. */
const TOKEN_LIKE = 'tok_9f8e7d6c5b4a39281706f5e4';

function counters(): { received: number; source: () => MetricSample[] } {
  const state = { received: 0, source: (): MetricSample[] => [] };
  state.source = (): MetricSample[] => [
    { name: 'otelcol_receiver_accepted_metric_points', help: 'Metric points accepted by the receiver.', type: 'counter', labels: { transport: 'http' }, value: state.received },
    { name: 'otelcol_receiver_accepted_metric_points', help: 'Metric points accepted by the receiver.', type: 'counter', labels: { transport: 'grpc' }, value: 7 },
    { name: 'otel_dp_points_dropped', help: 'Data points dropped, by reason.', type: 'counter', labels: { reason: 'untokened' }, value: 3 },
    { name: 'otel_dp_processor_series_released_total', help: 'Series released.', type: 'counter', value: 12 },
    { name: 'otel_dp_budget_epsilon_spent', help: 'ε spent over the horizon.', type: 'gauge', value: 2.5 },
    { name: 'otelcol_exporter_queue_size', help: 'Batches waiting in the export queue.', type: 'gauge', labels: { exporter: 'otlp' }, value: 0 },
  ];
  return state;
}

async function scrape(base: string): Promise<{ text: string; contentType: string | null }> {
  const res = await fetch(`${base}/metrics`);
  assert.equal(res.status, 200);
  return { text: await res.text(), contentType: res.headers.get('content-type') };
}

describe('/metrics', () => {
  it('serves the sources in the text format 0.0.4, counters ending in _total, read afresh on each scrape', async () => {
    const state = counters();
    const { admin, base } = await startAdmin({ sources: [state.source] });
    try {
      state.received = 41;
      const first = await scrape(base);
      assert.equal(first.contentType, PROMETHEUS_CONTENT_TYPE);
      const families = parseExposition(first.text);
      assert.deepEqual([...families.keys()], [
        'otelcol_receiver_accepted_metric_points_total',
        'otel_dp_points_dropped_total',
        'otel_dp_processor_series_released_total',
        'otel_dp_budget_epsilon_spent',
        'otelcol_exporter_queue_size',
      ]);
      const accepted = families.get('otelcol_receiver_accepted_metric_points_total');
      assert.equal(accepted?.type, 'counter');
      assert.equal(accepted?.help, 'Metric points accepted by the receiver.');
      assert.deepEqual(accepted?.samples, [
        { labels: { transport: 'http' }, value: 41 },
        { labels: { transport: 'grpc' }, value: 7 },
      ]);
      assert.deepEqual(families.get('otel_dp_points_dropped_total')?.samples, [{ labels: { reason: 'untokened' }, value: 3 }]);
      assert.equal(families.get('otel_dp_budget_epsilon_spent')?.type, 'gauge');
      assert.equal(families.get('otel_dp_budget_epsilon_spent')?.help, 'ε spent over the horizon.');
      assert.deepEqual(families.get('otel_dp_budget_epsilon_spent')?.samples, [{ labels: {}, value: 2.5 }]);

      state.received = 42;
      const again = parseExposition((await scrape(base)).text);
      assert.equal(again.get('otelcol_receiver_accepted_metric_points_total')?.samples[0]?.value, 42);
    } finally {
      await admin.shutdown();
    }
  });

  it('escapes a label value holding a quote, a backslash and a line feed, and a help text with a line feed', async () => {
    const value = 'say "hi"\\\nbye';
    const source = (): MetricSample[] => [{ name: 'odd_labels', help: 'first line\nsecond \\ line', type: 'gauge', labels: { note: value }, value: 1 }];
    const { admin, base } = await startAdmin({ sources: [source] });
    try {
      const { text } = await scrape(base);
      assert.ok(text.includes('odd_labels{note="say \\"hi\\"\\\\\\nbye"} 1\n'), text);
      assert.ok(text.includes('# HELP odd_labels first line\\nsecond \\\\ line\n'), text);
      const family = parseExposition(text).get('odd_labels');
      assert.equal(family?.samples[0]?.labels.note, value);
      assert.equal(family?.help, 'first line\nsecond \\ line');
    } finally {
      await admin.shutdown();
    }
  });

  it('drops a sample whose label is unsafe, warns once without the value, and keeps the rest', async () => {
    const source = (): MetricSample[] => [
      { name: 'otel_dp_points_dropped', help: 'Data points dropped, by reason.', type: 'counter', labels: { reason: 'summary' }, value: 2 },
      { name: 'otel_dp_points_dropped', help: 'Data points dropped, by reason.', type: 'counter', labels: { reason: TOKEN_LIKE }, value: 1 },
      { name: 'otelcol_exporter_queue_size', help: 'Queue.', type: 'gauge', labels: { exporter: 'x'.repeat(65) }, value: 1 },
      { name: 'otelcol_exporter_queue_capacity', help: 'Capacity.', type: 'gauge', labels: { exporter: 'otlp\r' }, value: 1 },
      { name: 'otelcol_exporter_in_flight_requests', help: 'In flight.', type: 'gauge', labels: { __exporter: 'otlp' }, value: 1 },
    ];
    const { admin, base, logger } = await startAdmin({ sources: [source] });
    try {
      const first = await scrape(base);
      await scrape(base);
      assert.ok(!first.text.includes(TOKEN_LIKE));
      const families = parseExposition(first.text);
      assert.deepEqual([...families.keys()], ['otel_dp_points_dropped_total']);
      assert.deepEqual(families.get('otel_dp_points_dropped_total')?.samples, [{ labels: { reason: 'summary' }, value: 2 }]);

      const warnings = logger.at('warn').map((entry) => entry.message);
      assert.deepEqual(warnings, [
        'admin metric sample dropped: otel_dp_points_dropped has label reason with a value shaped like a credential',
        'admin metric sample dropped: otelcol_exporter_queue_size has label exporter with a value longer than 64 characters',
        'admin metric sample dropped: otelcol_exporter_queue_capacity has label exporter with a control character in its value',
        'admin metric sample dropped: otelcol_exporter_in_flight_requests has an invalid label name',
      ], 'one warning per sample, not one per scrape');
      assert.ok(!logger.text().includes(TOKEN_LIKE), 'the value is never logged');
    } finally {
      await admin.shutdown();
    }
  });

  it('skips a failing source, drops invalid samples and conflicting types, and serves the rest', async () => {
    const failing = (): MetricSample[] => {
      throw new Error('stats not ready');
    };
    const mixed = (): MetricSample[] => [
      { name: 'ok_gauge', help: 'Fine.', type: 'gauge', value: -1.5 },
      { name: 'ok_gauge', help: 'Fine.', type: 'gauge', value: 2 },
      { name: 'ok_gauge', help: 'Fine.', type: 'counter', value: 2 },
      { name: 'negative', help: 'A counter cannot go below 0.', type: 'counter', value: -1 },
      { name: 'not_finite', help: 'NaN.', type: 'gauge', value: Number.NaN },
      { name: '1bad name', help: 'Bad.', type: 'gauge', value: 1 },
      { name: 'clash', help: 'A counter.', type: 'counter', value: 1 },
      { name: 'clash_total', help: 'The same published name.', type: 'counter', value: 2 },
    ];
    const { admin, base, logger } = await startAdmin({ sources: [failing, mixed] });
    try {
      const families = parseExposition((await scrape(base)).text);
      assert.deepEqual([...families.keys()], ['ok_gauge', 'clash_total']);
      assert.deepEqual(families.get('ok_gauge')?.samples, [{ labels: {}, value: -1.5 }]);
      assert.deepEqual(families.get('clash_total')?.samples, [{ labels: {}, value: 1 }]);
      const warnings = logger.at('warn').map((entry) => entry.message);
      assert.equal(warnings[0], 'admin metric source failed, its samples are left out');
      assert.deepEqual(logger.at('warn')[0]?.fields, { source: 0, error: 'stats not ready' });
      assert.deepEqual(warnings.slice(1), [
        'admin metric sample dropped: ok_gauge repeats a series (same labels) of an earlier sample',
        'admin metric sample dropped: ok_gauge is a counter here and a gauge in an earlier sample',
        'admin metric sample dropped: negative is a counter with a negative value',
        'admin metric sample dropped: not_finite has a value that is not a finite number',
        'admin metric sample dropped: (invalid name) has an invalid metric name',
        'admin metric sample dropped: clash_total repeats a series (same labels) of an earlier sample',
      ]);
    } finally {
      await admin.shutdown();
    }
  });

  it('serves an empty body when there is nothing to publish', async () => {
    const { admin, base } = await startAdmin();
    try {
      const { text } = await scrape(base);
      assert.equal(text, '');
    } finally {
      await admin.shutdown();
    }
  });
});
