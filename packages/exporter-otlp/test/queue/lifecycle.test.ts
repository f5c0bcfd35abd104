import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BatchExporter, ExportBatch, Lifecycle } from '@otel-dp/otlp';
import { describeLifecycleContract, type LifecycleSubject } from '@otel-dp/otlp/testing';
import { DebugExporter, ExporterError, FanOutExporter, QueuedExporter } from '../../src/index.js';
import { sampleRequest } from '../support/metrics-fixture.js';
import { waitFor } from '../support/wait-for.js';

/** Counts the lifecycle calls it gets. */
class CountingExporter implements BatchExporter, Lifecycle {
  starts = 0;
  shutdowns = 0;
  exported = 0;
  async start(): Promise<void> {
    this.starts++;
  }
  async shutdown(): Promise<void> {
    this.shutdowns++;
  }
  async export(_batch: ExportBatch): Promise<void> {
    this.exported++;
  }
}

const components: Array<{ name: string; create: (dir: string) => { component: BatchExporter & Lifecycle; inner: CountingExporter[] } }> = [
  {
    name: 'QueuedExporter in memory',
    create: () => {
      const inner = new CountingExporter();
      return { component: new QueuedExporter(inner, { name: 'test' }), inner: [inner] };
    },
  },
  {
    name: 'QueuedExporter on disk',
    create: (dir) => {
      const inner = new CountingExporter();
      return { component: new QueuedExporter(inner, { name: 'test', queueDir: dir }), inner: [inner] };
    },
  },
  {
    name: 'FanOutExporter of two queues',
    create: (dir) => {
      const inner = [new CountingExporter(), new CountingExporter()];
      const queues = inner.map((exporter, index) => new QueuedExporter(exporter, { name: `test-${index}`, queueDir: join(dir, String(index)) }));
      return { component: new FanOutExporter(queues), inner };
    },
  },
];

for (const { name, create } of components) {
  test(`${name}: start and shutdown are idempotent, start and shutdown reach the wrapped exporters once, export after shutdown is refused`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otel-dp-lifecycle-'));
    try {
      const { component, inner } = create(dir);
      await Promise.all([component.start(), component.start()]);
      await component.start();
      await component.export({ request: sampleRequest(1) });
      await Promise.all([component.shutdown(), component.shutdown()]);
      await component.shutdown();
      for (const exporter of inner) {
        assert.equal(exporter.starts, 1);
        assert.equal(exporter.shutdowns, 1);
        assert.equal(exporter.exported, 1, 'the batch was delivered during the drain');
      }
      await assert.rejects(component.export({ request: sampleRequest(2) }), (error: unknown) => error instanceof ExporterError && error.code === 'EXPORT_SHUTDOWN');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('a queue in front of the debug exporter prints each release once delivered', async () => {
  let printed = '';
  const queue = new QueuedExporter(new DebugExporter({ write: (text) => (printed += text) }), { name: 'debug' });
  await queue.start();
  await queue.export({ request: sampleRequest(1) });
  await queue.shutdown();
  assert.match(printed, /^untokened data forwarded untouched \(no privacy applied\): 3 points/);
});

/** Takes each batch a while to accept, so a shutdown finds one in delivery. */
class SlowExporter extends CountingExporter {
  override async export(batch: ExportBatch): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await super.export(batch);
  }
}

function queueSubject(persistent: boolean): LifecycleSubject<QueuedExporter> {
  const made = new Map<QueuedExporter, { inner: SlowExporter; dir: string }>();
  return {
    async create() {
      const dir = await mkdtemp(join(tmpdir(), 'otel-dp-lifecycle-'));
      const inner = new SlowExporter();
      const queue = new QueuedExporter(inner, { name: 'test', ...(persistent ? { queueDir: dir } : {}) });
      made.set(queue, { inner, dir });
      return queue;
    },
    async assertStarted(queue) {
      const { inner } = made.get(queue)!;
      assert.equal(inner.starts, 1);
      await queue.export({ request: sampleRequest(1) });
      await waitFor(() => inner.exported === 1, 'the queued batch to be delivered');
    },
    async load(queue) {
      await queue.export({ request: sampleRequest(2) });
    },
    async assertStopped(queue) {
      const { inner } = made.get(queue)!;
      assert.ok(inner.starts <= 1 && inner.shutdowns === 1, `wrapped exporter started ${inner.starts} and shut down ${inner.shutdowns} times`);
      await assert.rejects(queue.export({ request: sampleRequest(3) }), (error: unknown) => error instanceof ExporterError && error.code === 'EXPORT_SHUTDOWN');
    },
    async dispose(queue) {
      await rm(made.get(queue)!.dir, { recursive: true, force: true });
      made.delete(queue);
    },
  };
}

describeLifecycleContract('QueuedExporter in memory', queueSubject(false));
describeLifecycleContract('QueuedExporter on disk', queueSubject(true));
