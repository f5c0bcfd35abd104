import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WindowEvent } from '@otel-dp/admin';
import { ExporterError, type ExportQueueStats } from '@otel-dp/exporter-helper';
import type { ExportBatch } from '@otel-dp/pipeline';
import { ProcessorStats } from '@otel-dp/processor-dp';
import { configInEffect } from '../src/telemetry/config-in-effect.js';
import { ObservedExporter } from '../src/telemetry/exporter-health.js';
import { processorMetrics } from '../src/telemetry/pipeline-metrics.js';
import { WindowRecorder } from '../src/telemetry/window-recorder.js';
import { parse } from './support/parse.js';

function queue(stats: Partial<ExportQueueStats> = {}): ExportQueueStats {
  return {
    exporter: 'otlp',
    sentBatches: 0,
    sentMetricPoints: 0,
    sendFailedBatches: 0,
    sendFailedMetricPoints: 0,
    enqueueFailedBatches: 0,
    enqueueFailedMetricPoints: 0,
    queueSize: 0,
    queueCapacity: 10,
    inFlightBatches: 0,
    ...stats,
  };
}

const BATCH: ExportBatch = { request: { resourceMetrics: [] } };

describe('ObservedExporter.health', () => {
  it('follows the last outcome, an export that hangs, and a full queue', async () => {
    let nowMillis = 1_000_000;
    let next: 'ok' | 'fail' | 'hang' = 'ok';
    let release: () => void = () => {};
    const inner = {
      export: () => {
        if (next === 'fail') return Promise.reject(new ExporterError('EXPORT_RETRIES_EXHAUSTED', 'backend down'));
        if (next === 'hang') return new Promise<void>((resolve) => (release = resolve));
        return Promise.resolve();
      },
    };
    const observed = new ObservedExporter(inner, () => nowMillis);
    assert.deepEqual(observed.health(queue()), { name: 'otlp', healthy: true, detail: 'no window sent yet; 0 of 10 windows waiting' });

    await observed.export(BATCH);
    nowMillis += 3_000;
    assert.deepEqual(observed.health(queue({ queueSize: 2 })), { name: 'otlp', healthy: true, detail: 'last window sent 3 s ago; 2 of 10 windows waiting' });

    next = 'fail';
    await assert.rejects(observed.export(BATCH), { code: 'EXPORT_RETRIES_EXHAUSTED' });
    nowMillis += 1_000;
    assert.deepEqual(observed.health(queue()), { name: 'otlp', healthy: false, detail: 'last window given up 1 s ago (EXPORT_RETRIES_EXHAUSTED); 0 of 10 windows waiting' });

    next = 'hang';
    const hanging = observed.export(BATCH);
    nowMillis += 10_000;
    assert.equal(observed.health(queue()).healthy, false, 'still the failure');
    nowMillis += 1_000;
    assert.match(observed.health(queue()).detail, /^a window has been sending for 11 s \(retrying\)/);
    release();
    await hanging;
    assert.equal(observed.health(queue()).healthy, true, 'a success clears the failure');
    assert.deepEqual(observed.health(queue({ queueSize: 10 })), { name: 'otlp', healthy: false, detail: 'queue full, new windows are dropped; 10 of 10 windows waiting' });
  });

  it('reports an error without a code as UNKNOWN, never quoting its message', async () => {
    const observed = new ObservedExporter({ export: () => Promise.reject(new Error('backend said tok_abc')) }, () => 0);
    await assert.rejects(observed.export(BATCH));
    assert.equal(observed.health(queue()).detail, 'last window given up 0 s ago (UNKNOWN); 0 of 10 windows waiting');
  });
});

describe('WindowRecorder', () => {
  it('records every closed window with the budget after it', () => {
    const events: WindowEvent[] = [];
    const recorder = new WindowRecorder((event) => events.push(event));
    assert.equal(recorder.budget, undefined);
    const budget = { horizonMillis: 3_600_000, spentEpsilon: 1.5, spentDelta: 3e-6, remainingEpsilon: 8.5 };
    const waiting = [{ metric: 'http.server.requests', series: 2 }];
    const selection = { threshold: 113, stdDev: 20.9 };
    recorder.observe({ windowStartMillis: 60_000, windowEndMillis: 120_000, status: 'released', epsilon: 0.5, released: 1, suppressed: 2, waiting, selection, budget });
    assert.deepEqual(recorder.budget, { spentEpsilon: 1.5, spentDelta: 3e-6, remainingEpsilon: 8.5, waiting, selection });
    recorder.observe({ windowStartMillis: 120_000, windowEndMillis: 180_000, status: 'withheld', epsilon: 0, released: 0, suppressed: 0, budget: { ...budget, remainingEpsilon: undefined } });
    assert.deepEqual(events, [
      { windowEndMillis: 120_000, epsilonSpent: 1.5, windowEpsilon: 0.5, epsilonRemaining: 8.5, released: 1, suppressed: 2, withheld: false, waiting, selection },
      { windowEndMillis: 180_000, epsilonSpent: 1.5, windowEpsilon: 0, released: 0, suppressed: 0, withheld: true, waiting: [] },
    ]);
    assert.deepEqual(recorder.budget, { spentEpsilon: 1.5, spentDelta: 3e-6, remainingEpsilon: undefined, waiting: [] });
  });
});

describe('processorMetrics', () => {
  it('publishes the counters, by reason, and the budget once a window has reported it', () => {
    const stats = new ProcessorStats();
    stats.acceptedPoints = 7;
    stats.refusedPoints.set('untokened', 2);
    stats.droppedAttributes.set('credential', 1);
    stats.windowsReleased = 3;
    let budget: { spentEpsilon: number; spentDelta: number; remainingEpsilon: number | undefined } | undefined;
    const read = processorMetrics(stats, 0.5, () => budget);
    const byName = () => new Map(read().map((sample) => [`${sample.name}${JSON.stringify(sample.labels ?? {})}`, sample]));
    const first = byName();
    assert.equal(first.get('otel_dp_processor_accepted_metric_points{}')?.value, 7);
    assert.equal(first.get('otel_dp_processor_refused_metric_points{"reason":"untokened"}')?.value, 2);
    assert.equal(first.get('otel_dp_processor_dropped_attributes{"reason":"credential"}')?.value, 1);
    assert.equal(first.get('otel_dp_processor_windows_released{}')?.type, 'counter');
    assert.equal(first.get('otel_dp_budget_epsilon_per_window{}')?.value, 0.5);
    assert.equal(first.has('otel_dp_budget_epsilon_spent{}'), false);
    budget = { spentEpsilon: 2, spentDelta: 1e-6, remainingEpsilon: undefined };
    assert.equal(byName().get('otel_dp_budget_epsilon_spent{}')?.value, 2);
    assert.equal(byName().has('otel_dp_budget_epsilon_remaining{}'), false, 'no cap, no remaining');
    budget = { ...budget, waiting: [{ metric: 'http.server.requests', series: 6 }], selection: { threshold: 113, stdDev: 20.9 } } as typeof budget;
    assert.equal(byName().get('otel_dp_processor_series_waiting{"metric":"http.server.requests"}')?.value, 6);
    assert.equal(byName().get('otel_dp_selection_threshold{}')?.value, 113);
    assert.equal(byName().get('otel_dp_selection_noise_stddev{}')?.value, 20.9);
    budget = { ...budget, remainingEpsilon: 18 };
    assert.deepEqual(byName().get('otel_dp_budget_epsilon_remaining{}'), { name: 'otel_dp_budget_epsilon_remaining', help: 'ε left under the horizon\'s cap (--max-epsilon-horizon).', type: 'gauge', value: 18 });
  });
});

describe('configInEffect', () => {
  it('shows every setting, without header values or credentials in URLs', () => {
    const shown = configInEffect(
      parse([
        '--otlp-endpoint', 'https://user:pw-secret@backend.example:4318/v1/metrics?api_key=query-secret',
        '--otlp-header', 'authorization=Bearer%20header-secret',
        '--remote-write-url', 'http://prometheus:9090/api/v1/write?token=rw-secret',
        '--remote-write-header', 'X-Scope-OrgID=tenant-secret',
        '--self-telemetry-endpoint', 'http://ops:4318',
        '--clip', 'http.*=0:5',
        '--max-epsilon-horizon', '10', '--state-dir', '/var/lib/otel-dp',
      ]),
    );
    const text = JSON.stringify(shown);
    for (const secret of ['pw-secret', 'query-secret', 'header-secret', 'rw-secret', 'tenant-secret']) assert.ok(!text.includes(secret), secret);
    assert.equal(shown['otlp-endpoint'], 'https://backend.example:4318/v1/metrics');
    assert.deepEqual(shown['otlp-header'], ['authorization=***']);
    assert.deepEqual(shown['remote-write-header'], ['X-Scope-OrgID=***']);
    assert.deepEqual(shown.exporter, ['otlp', 'prometheus-remote-write']);
    assert.deepEqual(shown.clip, [
      'http.*=0:5',
      'traces.span.metrics.calls=0:100 (span metrics default)',
      'traces.span.metrics.duration=0:15000 (span metrics default)',
      '*=0:1000 (default)',
    ]);
    assert.deepEqual(shown['clip-count'], ['traces.span.metrics.duration=100 (span metrics default)']);
    assert.deepEqual([shown['span-dimension'], shown['span-kinds'], shown['span-duration-histogram']], ['none', 'all', 'explicit']);
    assert.equal(shown['self-telemetry-endpoint'], 'http://ops:4318/v1/metrics');
    assert.equal(shown['max-epsilon-horizon'], 10);
    assert.equal(shown['admin-listen'], '127.0.0.1:13133');
    assert.equal(shown.window, '1m');
    assert.equal(shown['retry-max-elapsed'], '5m');
  });
});
