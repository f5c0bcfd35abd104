import assert from 'node:assert/strict';
import { createServer, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { countDataPoints, type ExportMetricsServiceRequest } from '@otel-dp/otlp';
import { PipelineError, type ConsumeResult, type MetricsConsumer } from '@otel-dp/pipeline';
import { DEFAULT_RECEIVER_CONFIG, OtlpReceiver } from '@otel-dp/receiver-otlp';
import { openSender } from '../src/load-clients.js';
import { closedLoop, openLoop } from '../src/load-loops.js';
import { encodePayloads, type Transport } from '../src/payloads.js';
import { buildWorkload } from '../src/workload.js';

/** Counts what a real receiver hands over; refuses when asked to, as an overloaded pipeline would. */
class CountingConsumer implements MetricsConsumer {
  points = 0;
  refuse = false;
  async consume(request: ExportMetricsServiceRequest): Promise<ConsumeResult> {
    if (this.refuse) {
      throw new PipelineError('TEST_OVERLOADED', 'overloaded', { retryable: true, reason: 'overloaded', retryAfterSeconds: 1 });
    }
    this.points += countDataPoints(request);
    return { rejectedDataPoints: 0, errorMessage: '' };
  }
}

const requests = buildWorkload({ tokens: 40, metricsPerRequest: 2, pointsPerMetric: 10 });

describe('load loops against a real OTLP receiver on loopback', () => {
  const consumer = new CountingConsumer();
  const loopback = { host: '127.0.0.1', port: 0 };
  const receiver = new OtlpReceiver({ ...DEFAULT_RECEIVER_CONFIG, httpListen: loopback, grpcListen: loopback }, consumer, { shutdownTimeoutMillis: 0 });
  const target = (transport: Transport, gzip: boolean) => ({
    transport,
    gzip,
    host: '127.0.0.1',
    port: transport === 'grpc' ? receiver.grpcAddress!.port : receiver.httpAddress!.port,
    concurrency: 4,
  });

  before(() => receiver.start());
  after(() => receiver.shutdown());

  for (const [transport, gzip] of [['http-protobuf', false], ['http-json', true], ['grpc', false], ['grpc', true]] as const) {
    it(`closed loop over ${transport}${gzip ? ' with gzip' : ''} stops at maxRequests and counts every point delivered`, async () => {
      const payloads = encodePayloads(requests, transport, gzip);
      const sender = openSender(target(transport, gzip));
      const pointsBefore = consumer.points;
      try {
        const result = await closedLoop(sender, payloads, { concurrency: 4, durationMillis: 5000, maxRequests: 12 });
        assert.equal(result.ok, 12);
        assert.equal(result.refused + result.failed, 0);
        assert.equal(result.okPoints, 12 * 20);
        assert.equal(consumer.points - pointsBefore, result.okPoints);
        assert.ok(result.p50Millis > 0 && result.p99Millis >= result.p50Millis);
      } finally {
        sender.close();
      }
    });
  }

  it('tells gRPC refusals under load apart from failures', async () => {
    const payloads = encodePayloads(requests, 'grpc', true);
    const sender = openSender(target('grpc', true));
    consumer.refuse = true;
    try {
      const result = await closedLoop(sender, payloads, { concurrency: 2, durationMillis: 5000, maxRequests: 4 });
      assert.deepEqual([result.ok, result.refused, result.failed], [0, 4, 0]);
    } finally {
      consumer.refuse = false;
      sender.close();
    }
  });

  it('counts a gRPC call to a closed port as failed', async () => {
    const payloads = encodePayloads(requests, 'grpc', false);
    const sender = openSender({ ...target('grpc', false), port: 1 });
    try {
      const result = await closedLoop(sender, payloads, { concurrency: 1, durationMillis: 5000, maxRequests: 1 });
      assert.deepEqual([result.ok, result.refused, result.failed], [0, 0, 1]);
    } finally {
      sender.close();
    }
  });

  it('open loop sends on schedule and reports refusals apart from successes', async () => {
    const payloads = encodePayloads(requests, 'http-protobuf', false);
    const sender = openSender(target('http-protobuf', false));
    try {
      const started = performance.now();
      const result = await openLoop(sender, payloads, { ratePerSecond: 100, durationMillis: 300, maxInFlight: 8 });
      const elapsed = performance.now() - started;
      assert.equal(result.ok + result.refused + result.failed + result.skipped, 30);
      assert.ok(result.ok >= 25, `most of 30 requests succeed (${result.ok})`);
      assert.ok(elapsed >= 290 - 15, `the schedule spans the duration (${elapsed.toFixed(0)} ms)`);
      consumer.refuse = true;
      const refused = await openLoop(sender, payloads, { ratePerSecond: 100, durationMillis: 100, maxInFlight: 8 });
      assert.equal(refused.ok, 0);
      assert.equal(refused.refused + refused.skipped, 10);
      assert.ok(Number.isNaN(refused.p50Millis), 'no latency without a success');
    } finally {
      consumer.refuse = false;
      sender.close();
    }
  });
});

describe('the gRPC load client against a server that reads nothing', () => {
  it('keeps more than 10 MB of requests queued on its one session', async () => {
    // The server answers OK only once all 64 calls are open, reading none of
    // their bodies: 64 requests of 205 KB (13 MB) wait in the client's session.
    const calls = 64;
    const server = createServer();
    const streams: ServerHttp2Stream[] = [];
    server.on('stream', (stream) => {
      stream.pause();
      stream.on('error', () => {});
      streams.push(stream);
      if (streams.length < calls) return;
      for (const open of streams) open.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '0' }, { endStream: true });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const sender = openSender({ transport: 'grpc', gzip: false, host: '127.0.0.1', port, concurrency: calls });
    try {
      const payloads = encodePayloads(buildWorkload().slice(0, 4), 'grpc', false);
      const result = await closedLoop(sender, payloads, { concurrency: calls, durationMillis: 10_000, maxRequests: calls });
      assert.deepEqual([result.ok, result.refused, result.failed], [calls, 0, 0]);
    } finally {
      sender.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
