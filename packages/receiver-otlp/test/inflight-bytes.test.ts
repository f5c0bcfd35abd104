import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { status as GrpcCode } from '@grpc/grpc-js';
import { RETRY_INFO_TYPE_URL, decodeRpcStatus, encodeMetricsRequest } from '@otel-dp/otlp';
import { waitFor } from '@otel-dp/pipeline/testing';
import { InflightBytes } from '../src/inflight-bytes.js';
import { DECODED_BYTES_PER_MESSAGE } from '../src/message-limit.js';
import { startReceiver } from './support/harness.js';
import { callHttp } from './support/http-client.js';
import { grpcFrame, openGrpcSession, rawGrpcCall } from './support/raw-grpc.js';
import { gate } from './support/recording-consumer.js';
import { gaugeRequest } from './support/requests.js';

describe('InflightBytes', () => {
  it('takes bytes only while they fit, gives them back, and keeps the peak', () => {
    const budget = new InflightBytes(100);
    const first = budget.hold();
    const second = budget.hold();
    assert.equal(first.take(60), true);
    assert.equal(second.take(41), false, 'past the limit');
    assert.equal(second.take(40), true);
    assert.equal(budget.bytes, 100);
    first.give(500);
    assert.equal(first.held, 0, 'gives back no more than it holds');
    assert.equal(budget.bytes, 40);
    second.release();
    assert.equal(second.take(1), false, 'a released hold takes nothing');
    second.release();
    assert.equal(budget.bytes, 0);
    assert.equal(budget.peakBytes, 100);
  });
});

describe('maxInflightBytes across both listeners', () => {
  // 7166 bytes each, and 153 messages (resource, scope, metric, 150 points) charged for what they decode to:
  // two fit in the 64,000 of the budget, a third does not.
  const body = encodeMetricsRequest(gaugeRequest(150));
  const heldPerRequest = body.length + 153 * DECODED_BYTES_PER_MESSAGE;
  const config = { maxRequestBytes: 8000, maxInflightBytes: 64_000 };
  const PROTOBUF = { 'content-type': 'application/x-protobuf' };

  it('answers HTTP 503 with Retry-After and gRPC UNAVAILABLE with RetryInfo while the held requests fill it', { timeout: 20_000 }, async (t) => {
    const { consumer, grpc, http, receiver } = await startReceiver(t, config);
    const held = gate();
    consumer.behaviour = async () => {
      await held.opened;
      return { rejectedDataPoints: 0, errorMessage: '' };
    };
    const session = await openGrpcSession(grpc);
    t.after(() => session.destroy());
    // One request held on each listener.
    const heldHttp = callHttp(http, { headers: PROTOBUF, body });
    const heldGrpc = rawGrpcCall(session, grpcFrame(body, false));
    await waitFor(() => consumer.requests.length === 2, 'a request held on each listener');
    assert.ok(2 * heldPerRequest + 5 <= config.maxInflightBytes && 3 * heldPerRequest > config.maxInflightBytes);
    assert.equal(receiver.inflight.bytes, 2 * heldPerRequest + 5);

    const refusedHttp = await callHttp(http, { headers: PROTOBUF, body });
    assert.equal(refusedHttp.status, 503);
    assert.equal(refusedHttp.headers['retry-after'], '1');
    const refusedGrpc = await rawGrpcCall(session, grpcFrame(body, false));
    assert.equal(refusedGrpc.code, GrpcCode.UNAVAILABLE);
    assert.match(refusedGrpc.message, /^the receiver already holds 64000 bytes of requests in flight \(maxInflightBytes\); retry later$/);
    const status = decodeRpcStatus(Buffer.from(String(refusedGrpc.headers['grpc-status-details-bin']), 'base64'));
    assert.equal(status.details[0]?.typeUrl, RETRY_INFO_TYPE_URL);
    // RetryInfo{retry_delay: Duration{seconds: 1}}.
    assert.deepEqual([...status.details[0].value], [0x0a, 0x02, 0x08, 0x01]);
    assert.ok(receiver.inflight.peakBytes <= config.maxInflightBytes);

    held.open();
    assert.equal((await heldHttp).status, 200);
    assert.equal((await heldGrpc).code, GrpcCode.OK);
    assert.equal(receiver.inflight.bytes, 0);
    assert.equal((await callHttp(http, { headers: PROTOBUF, body })).status, 200);
    assert.equal(receiver.stats.http.requests.refused + receiver.stats.grpc.requests.refused, 2);
  });
});
