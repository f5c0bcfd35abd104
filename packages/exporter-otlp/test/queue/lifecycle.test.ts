import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ExporterError, QueuedExporter } from '@otel-dp/exporter-helper';
import { CountingExporter } from '@otel-dp/exporter-helper/testing';
import type { BatchExporter, Lifecycle } from '@otel-dp/pipeline';
import { sampleRequest } from '@otel-dp/otlp/testing';
import { DebugExporter, FanOutExporter } from '../../src/index.js';

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
