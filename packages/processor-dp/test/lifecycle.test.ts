import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { BatchExporter, ExportBatch } from '@otel-dp/pipeline';
import { describeLifecycleContract } from '@otel-dp/pipeline/testing';
import { DpProcessor } from '../src/index.js';
import { MetricsSink, noNoise } from '../src/testing.js';
import { exactConfig, manualClock, point, request, sumMetric } from './builders.js';

const T0 = 1_700_000_000_000;
const data = request([sumMetric('requests', [point(3, { route: '/a', 'api.token': 'tok-1' })])]);

/** Holds every export until `open()` is called. */
class GatedExporter implements BatchExporter {
  readonly batches: ExportBatch[] = [];
  private release!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));

  async export(batch: ExportBatch): Promise<void> {
    await this.gate;
    this.batches.push(batch);
  }

  open(): void {
    this.release();
  }
}

describe('DpProcessor lifecycle', () => {
  it('shares one start among concurrent calls, so the ledger is opened once', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'otel-dp-lifecycle-'));
    try {
      const processor = new DpProcessor(exactConfig({ stateDir }), new MetricsSink(), { now: manualClock(T0 + 10).now, noiseSampler: noNoise });
      const first = processor.start();
      assert.equal(processor.start(), first);
      await Promise.all([first, processor.start()]);
      assert.equal((await processor.consume(data)).rejectedDataPoints, 0);
      await processor.shutdown();
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('resolves every shutdown only once the last window is exported', async () => {
    const exporter = new GatedExporter();
    const processor = new DpProcessor(exactConfig(), exporter, { now: manualClock(T0 + 10).now, noiseSampler: noNoise });
    await processor.start();
    await processor.consume(data);
    const first = processor.shutdown();
    const second = processor.shutdown();
    let settled = false;
    void second.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'a second shutdown waits for the first');
    exporter.open();
    await Promise.all([first, second]);
    assert.equal(exporter.batches.length, 1);
  });

  it('shuts down before start, and refuses to start afterwards', async () => {
    const processor = new DpProcessor(exactConfig(), new MetricsSink(), { noiseSampler: noNoise });
    await processor.shutdown();
    await assert.rejects(processor.start(), /shut down and cannot start again/);
    await assert.rejects(processor.consume(data), /shutting down/);
  });

  it('lets a shutdown during start wait for the start, then stop', async () => {
    const processor = new DpProcessor(exactConfig(), new MetricsSink(), { now: manualClock(T0 + 10).now, noiseSampler: noNoise });
    const starting = processor.start();
    const stopping = processor.shutdown();
    await Promise.all([starting, stopping]);
    await assert.rejects(processor.consume(data), /shutting down/);
  });
});

/** Takes each window a while to accept, so a shutdown finds its release in export. */
class SlowExporter implements BatchExporter {
  readonly batches: ExportBatch[] = [];
  async export(batch: ExportBatch): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 100));
    this.batches.push(batch);
  }
}

const made = new WeakMap<DpProcessor, { exporter: SlowExporter; stateDir: string }>();

describeLifecycleContract<DpProcessor>('DpProcessor with a budget ledger on disk', {
  async create() {
    const stateDir = await mkdtemp(join(tmpdir(), 'otel-dp-lifecycle-'));
    const exporter = new SlowExporter();
    const processor = new DpProcessor(exactConfig({ stateDir }), exporter, { now: manualClock(T0 + 10).now, noiseSampler: noNoise });
    made.set(processor, { exporter, stateDir });
    return processor;
  },
  async assertStarted(processor) {
    assert.equal((await processor.consume(data)).rejectedDataPoints, 0);
  },
  async load(processor) {
    await processor.consume(data);
  },
  async assertStopped(processor) {
    await assert.rejects(processor.consume(data), /shutting down/);
  },
  async dispose(processor) {
    await rm(made.get(processor)!.stateDir, { recursive: true, force: true });
  },
});
