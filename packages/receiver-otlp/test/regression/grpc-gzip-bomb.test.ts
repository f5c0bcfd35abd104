import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { status as GrpcCode } from '@grpc/grpc-js';
import { startReceiver } from '../support/harness.js';
import { gzipBomb } from '../support/gzip-bomb.js';
import { grpcFrame, openGrpcSession, rawGrpcCall } from '../support/raw-grpc.js';
import type { RawGrpcAnswer } from '../support/raw-grpc.js';

/**
 * Gzip bombs on 200 OTLP/gRPC streams at once. A gRPC library inflated each
 * message up to the size limit before the receiver saw it, with no ratio
 * limit and nothing shared between streams: 200 streams of a 17 KB bomb took
 * the process from 78 MB to 3.45 GB. Each stream now stops at
 * `maxGzipRatio` and all of them together within `maxInflightBytes`.
 */
const STREAMS = 200;
const CONNECTIONS = 4;
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
/**
 * What the process may grow by while the bombs are handled. Measured at
 * about 30–70 MiB (the budget's 64 MiB, zlib's buffers and the client's
 * side, which runs in this process too); without the limits each stream
 * holds its 4 MiB: 800 MiB.
 */
const RSS_GROWTH_BOUND = 256 * 1024 * 1024;
const SAMPLE_MS = 5;

async function bombard(port: number, bomb: Buffer): Promise<{ answers: RawGrpcAnswer[]; growth: number }> {
  const sessions = await Promise.all(Array.from({ length: CONNECTIONS }, () => openGrpcSession({ host: '127.0.0.1', port })));
  const frame = grpcFrame(bomb, true);
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, SAMPLE_MS);
  try {
    const answers = await Promise.all(
      Array.from({ length: STREAMS }, (_, i) => rawGrpcCall(sessions[i % CONNECTIONS], frame, { 'grpc-encoding': 'gzip' }, 60_000)),
    );
    peak = Math.max(peak, process.memoryUsage().rss);
    return { answers, growth: peak - before };
  } finally {
    clearInterval(sampler);
    for (const session of sessions) session.destroy();
  }
}

const tally = (answers: RawGrpcAnswer[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const answer of answers) {
    const key = answer.code === undefined ? 'reset' : GrpcCode[answer.code];
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};

describe('gzip bombs on 200 OTLP/gRPC streams at once', () => {
  it('refuses each small bomb at the gzip ratio, with memory bounded', { timeout: 120_000 }, async (t) => {
    const { consumer, grpc, receiver } = await startReceiver(t, { maxRequestBytes: MAX_REQUEST_BYTES });
    // 4 MiB of zeros in about 4 KB: inflated whole in one call, which stops at 100 times that.
    const { answers, growth } = await bombard(grpc.port, gzipBomb(4));
    t.diagnostic(`RSS +${(growth / 2 ** 20).toFixed(1)} MiB`);
    assert.deepEqual(tally(answers), { INVALID_ARGUMENT: STREAMS });
    for (const answer of answers) assert.match(answer.message, /more than the limit of 100 times \(maxGzipRatio\)$/);
    assert.ok(growth < RSS_GROWTH_BOUND, `RSS grew by ${(growth / 2 ** 20).toFixed(1)} MiB`);
    assert.ok(receiver.inflight.peakBytes <= receiver.inflight.limit);
    assert.equal(receiver.inflight.bytes, 0);
    assert.equal(consumer.requests.length, 0);
  });

  it('keeps bombs that inflate as they stream within maxInflightBytes, retryably past it', { timeout: 120_000 }, async (t) => {
    const maxInflightBytes = 16 * 1024 * 1024;
    const { consumer, grpc, receiver } = await startReceiver(t, { maxRequestBytes: MAX_REQUEST_BYTES, maxInflightBytes, maxGzipRatio: 1000 });
    // 128 MiB of zeros in about 130 KB: streamed through zlib, each stream stopping at the 4 MiB limit.
    const { answers, growth } = await bombard(grpc.port, gzipBomb(128));
    const counts = tally(answers);
    assert.equal((counts.RESOURCE_EXHAUSTED ?? 0) + (counts.UNAVAILABLE ?? 0), STREAMS, JSON.stringify(counts));
    assert.ok((counts.UNAVAILABLE ?? 0) > 0, `the budget never filled: ${JSON.stringify(counts)}`);
    assert.ok(growth < RSS_GROWTH_BOUND, `RSS grew by ${(growth / 2 ** 20).toFixed(1)} MiB`);
    assert.ok(receiver.inflight.peakBytes <= maxInflightBytes, `peak ${receiver.inflight.peakBytes}`);
    assert.equal(receiver.inflight.bytes, 0);
    assert.equal(consumer.requests.length, 0);
    t.diagnostic(`${JSON.stringify(counts)}, RSS +${(growth / 2 ** 20).toFixed(1)} MiB, in-flight peak ${receiver.inflight.peakBytes} bytes`);
  });
});
