import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { status as GrpcCode } from '@grpc/grpc-js';
import { encodeMetricsRequest } from '@otel-dp/otlp';
import { PipelineError } from '@otel-dp/pipeline';
import { grpcOutcome, httpOutcome } from '../src/receiver-stats.js';
import type { TransportStats } from '../src/receiver-stats.js';
import { callGrpcExport, failure, success } from './support/grpc-client.js';
import { callHttp } from './support/http-client.js';
import { startReceiver } from './support/harness.js';
import { gaugeRequest, manyAttributes, requestWithAttributes } from './support/requests.js';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const ACCEPT_ALL = { rejectedDataPoints: 0, errorMessage: '' };

const ZERO: TransportStats = {
  requests: { success: 0, refused: 0, failure: 0 },
  acceptedDataPoints: 0,
  refusedDataPoints: 0,
  failedDataPoints: 0,
  acceptedSpans: 0,
  refusedSpans: 0,
  failedSpans: 0,
  bytesReceived: 0,
};

/** A plain copy, so that later requests do not change what was read. */
const snapshot = (stats: TransportStats): TransportStats => ({ ...stats, requests: { ...stats.requests } });

describe('outcome of an answer', () => {
  it('counts 2xx as success, 500 as failure, and every refusal, 503 included, as refused', () => {
    assert.deepEqual([200, 400, 404, 405, 413, 415, 429, 500, 503].map(httpOutcome), [
      'success',
      'refused',
      'refused',
      'refused',
      'refused',
      'refused',
      'refused',
      'failure',
      'refused',
    ]);
    const codes = [GrpcCode.OK, GrpcCode.INVALID_ARGUMENT, GrpcCode.RESOURCE_EXHAUSTED, GrpcCode.UNAVAILABLE, GrpcCode.INTERNAL, GrpcCode.UNKNOWN];
    assert.deepEqual(codes.map(grpcOutcome), ['success', 'refused', 'refused', 'refused', 'failure', 'failure']);
  });
});

describe('OtlpReceiver.stats over OTLP/HTTP', () => {
  it('starts at zero on both transports', async (t) => {
    const { receiver } = await startReceiver(t);
    assert.deepEqual(snapshot(receiver.stats.http), ZERO);
    assert.deepEqual(snapshot(receiver.stats.grpc), ZERO);
  });

  it('counts requests by outcome, data points and the bytes as sent', async (t) => {
    const { receiver, consumer, http } = await startReceiver(t, { maxRequestBytes: 64 * 1024, maxAttributesPerPoint: 4 });
    const send = (body: Uint8Array, headers: Record<string, string> = PROTOBUF) => callHttp(http, { headers, body });
    const three = encodeMetricsRequest(gaugeRequest(3));
    const gzipped = gzipSync(encodeMetricsRequest(gaugeRequest(2)));
    assert.equal((await send(three)).status, 200);
    assert.equal((await send(gzipped, { ...PROTOBUF, 'content-encoding': 'gzip' })).status, 200);
    consumer.returns({ rejectedDataPoints: 1, errorMessage: 'one point had no token' });
    assert.equal((await send(three)).status, 200);
    consumer.returns(ACCEPT_ALL);
    const tooMany = encodeMetricsRequest(requestWithAttributes({ point: manyAttributes(5) }));
    assert.equal((await send(tooMany)).status, 400);
    const garbage = Uint8Array.from([0x0a, 0xff, 0xff]);
    assert.equal((await send(garbage)).status, 400);
    consumer.throws(new PipelineError('WINDOW_FULL', 'the window is full', { retryable: true, reason: 'overloaded', retryAfterSeconds: 1 }));
    assert.equal((await send(three)).status, 429);
    consumer.throws(new Error('a bug'));
    assert.equal((await send(three)).status, 500);
    assert.equal((await callHttp(http, { method: 'GET' })).status, 405);

    assert.deepEqual(snapshot(receiver.stats.http), {
      requests: { success: 3, refused: 4, failure: 1 },
      // 3 + 2 + (3 - 1)
      acceptedDataPoints: 7,
      // 1 rejected in the partial success + 3 of the 429; the request past the attribute
      // limit is refused while decoding, before its points are counted, as the garbage is
      refusedDataPoints: 4,
      failedDataPoints: 3,
      acceptedSpans: 0,
      refusedSpans: 0,
      failedSpans: 0,
      bytesReceived: 4 * three.length + gzipped.length + tooMany.length + garbage.length,
    });
    assert.deepEqual(snapshot(receiver.stats.grpc), ZERO);
  });

  it('counts a body refused for its size as far as it was read', async (t) => {
    const { receiver, http } = await startReceiver(t, { maxRequestBytes: 1000 });
    const declared = await callHttp(http, { headers: { ...PROTOBUF, 'content-length': '5000' }, withholdBody: true });
    assert.equal(declared.status, 413);
    assert.equal(receiver.stats.http.bytesReceived, 0);
    const big = encodeMetricsRequest(gaugeRequest(100));
    const answer = await callHttp(http, { headers: { ...PROTOBUF, 'transfer-encoding': 'chunked' }, body: big });
    assert.equal(answer.status, 413);
    assert.ok(receiver.stats.http.bytesReceived > 1000 && receiver.stats.http.bytesReceived <= big.length, String(receiver.stats.http.bytesReceived));
    assert.deepEqual(receiver.stats.http.requests, { success: 0, refused: 2, failure: 0 });
  });
});

describe('OtlpReceiver.stats over OTLP/gRPC', () => {
  it('counts calls by outcome, data points and the message bytes', async (t) => {
    const { receiver, consumer, grpc } = await startReceiver(t, { maxAttributesPerPoint: 4 });
    const two = encodeMetricsRequest(gaugeRequest(2));
    success(await callGrpcExport(grpc, two));
    success(await callGrpcExport(grpc, two, { gzip: true }));
    consumer.returns({ rejectedDataPoints: 2, errorMessage: 'both had no token' });
    success(await callGrpcExport(grpc, two));
    consumer.returns(ACCEPT_ALL);
    const tooMany = encodeMetricsRequest(requestWithAttributes({ point: manyAttributes(5) }));
    assert.equal(failure(await callGrpcExport(grpc, tooMany)).code, GrpcCode.INVALID_ARGUMENT);
    consumer.throws(new PipelineError('PROCESSOR_STOPPED', 'shutting down', { retryable: true }));
    assert.equal(failure(await callGrpcExport(grpc, two)).code, GrpcCode.UNAVAILABLE);
    consumer.throws(new TypeError('a bug'));
    assert.equal(failure(await callGrpcExport(grpc, two)).code, GrpcCode.INTERNAL);

    assert.deepEqual(snapshot(receiver.stats.grpc), {
      requests: { success: 3, refused: 2, failure: 1 },
      acceptedDataPoints: 4,
      // 2 rejected in the partial success + 2 of UNAVAILABLE (the request past the attribute limit is refused while decoding)
      refusedDataPoints: 4,
      failedDataPoints: 2,
      acceptedSpans: 0,
      refusedSpans: 0,
      failedSpans: 0,
      // As they came off the wire, each with its 5-byte prefix: the gzip call counts its compressed size.
      bytesReceived: 5 * (two.length + 5) - two.length + gzipSync(two).length + tooMany.length + 5,
    });
    assert.deepEqual(snapshot(receiver.stats.http), ZERO);
  });

  it('counts as refused, once each, the calls refused before their message is decoded', async (t) => {
    const { receiver, consumer, grpc } = await startReceiver(t, { maxRequestBytes: 1000 });
    const big = encodeMetricsRequest(gaugeRequest(100));
    assert.equal(failure(await callGrpcExport(grpc, big)).code, GrpcCode.RESOURCE_EXHAUSTED);
    assert.equal(failure(await callGrpcExport(grpc, big, { gzip: true })).code, GrpcCode.RESOURCE_EXHAUSTED);
    success(await callGrpcExport(grpc, encodeMetricsRequest(gaugeRequest(1))));
    assert.equal(consumer.requests.length, 1);
    assert.deepEqual(receiver.stats.grpc.requests, { success: 1, refused: 2, failure: 0 });
    assert.equal(receiver.stats.grpc.acceptedDataPoints, 1);
  });
});
