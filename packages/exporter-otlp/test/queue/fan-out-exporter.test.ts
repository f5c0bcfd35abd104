import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { BatchExporter, ExportBatch, Lifecycle } from '@otel-dp/pipeline';
import { ExporterError, QueuedExporter } from '@otel-dp/exporter-helper';
import { FanOutExporter, OtlpExporter } from '../../src/index.js';
import { FAST_RETRY } from '@otel-dp/exporter-helper/testing';
import { markerOf, OtlpHttpTestServer, type Responder, sampleRequest } from '@otel-dp/otlp/testing';
import { waitFor } from '@otel-dp/pipeline/testing';

const servers: OtlpHttpTestServer[] = [];
after(() => Promise.all(servers.map((server) => server.close())));

async function queued(name: string, responder: Responder, queueSize = 1000): Promise<{ server: OtlpHttpTestServer; queue: QueuedExporter }> {
  const server = new OtlpHttpTestServer(responder);
  servers.push(server);
  const endpoint = await server.start();
  const exporter = new OtlpExporter(
    { endpoint, protocol: 'http/protobuf', headers: {}, compression: 'none', timeoutMillis: 5000, retry: FAST_RETRY },
    { shutdownTimeoutMillis: 0 },
  );
  return { server, queue: new QueuedExporter(exporter, { name, queueSize, drainMillis: 0 }) };
}

test('a slow backend does not hold up a fast one', async () => {
  const fast = await queued('fast', () => ({ status: 200 }));
  const slow = await queued('slow', () => ({ status: 200, delayMillis: 400 }));
  const fanOut = new FanOutExporter([fast.queue, slow.queue]);
  await fanOut.start();
  const started = performance.now();
  for (let marker = 1; marker <= 3; marker++) await fanOut.export({ request: sampleRequest(marker) });
  await waitFor(() => fast.queue.stats().sentBatches === 3, 'the fast backend to get all three');
  const fastDone = performance.now() - started;
  assert.ok(fastDone < 400, `the fast backend finished after ${fastDone} ms, behind the slow one`);
  assert.ok(slow.queue.stats().sentBatches === 0, 'the slow backend has not answered yet');
  await waitFor(() => slow.queue.stats().sentBatches === 3, 'the slow backend to get all three', 5000);
  assert.deepEqual(fast.server.received.map((received) => markerOf(received.request)), [1, 2, 3]);
  assert.deepEqual(slow.server.received.map((received) => markerOf(received.request)), [1, 2, 3]);
  await fanOut.shutdown();
});

test('one full queue: the others still get the batch, and export() says how many refused', async () => {
  const open = await queued('open', () => ({ status: 200 }));
  const stuck = await queued('stuck', () => ({ status: 503 }), 1);
  const fanOut = new FanOutExporter([open.queue, stuck.queue]);
  await fanOut.start();
  await fanOut.export({ request: sampleRequest(1) });
  await waitFor(() => stuck.queue.stats().inFlightBatches === 1, 'the first batch in flight on the stuck backend');
  await fanOut.export({ request: sampleRequest(2) });
  await assert.rejects(fanOut.export({ request: sampleRequest(3) }), (error: unknown) => {
    assert.ok(error instanceof ExporterError);
    assert.equal(error.code, 'EXPORT_QUEUE_FULL');
    assert.match(error.message, /^1 of 2 exporters refused the batch: export queue stuck is full/);
    return true;
  });
  await waitFor(() => open.queue.stats().sentBatches === 3, 'the open backend to get all three');
  assert.equal(stuck.queue.stats().enqueueFailedBatches, 1);
  await fanOut.shutdown();
});

test('a child that fails to start: the others are shut down and the error is rethrown', async () => {
  const events: string[] = [];
  const child = (name: string, fails: boolean): BatchExporter & Lifecycle => ({
    async start() {
      events.push(`start ${name}`);
      if (fails) throw new Error(`${name} cannot start`);
    },
    async shutdown() {
      events.push(`shutdown ${name}`);
    },
    async export(_batch: ExportBatch) {},
  });
  const fanOut = new FanOutExporter([child('a', false), child('b', true)]);
  await assert.rejects(fanOut.start(), /b cannot start/);
  assert.deepEqual(events.sort(), ['shutdown a', 'shutdown b', 'start a', 'start b']);
  assert.throws(() => new FanOutExporter([]), (error: unknown) => error instanceof ExporterError && error.code === 'EXPORT_CONFIG_INVALID');
});
