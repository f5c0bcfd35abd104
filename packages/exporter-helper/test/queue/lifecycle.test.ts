import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleRequest } from '@otel-dp/otlp/testing';
import { describeLifecycleContract, type LifecycleSubject, waitFor } from '@otel-dp/pipeline/testing';
import { ExporterError, QueuedExporter } from '../../src/index.js';
import { CountingExporter } from '../../src/testing.js';

function queueSubject(persistent: boolean): LifecycleSubject<QueuedExporter> {
  const made = new Map<QueuedExporter, { inner: CountingExporter; dir: string }>();
  return {
    async create() {
      const dir = await mkdtemp(join(tmpdir(), 'otel-dp-lifecycle-'));
      const inner = new CountingExporter(100);
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
