import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { status as GrpcCode } from '@grpc/grpc-js';
import { OtlpDecodeError, RETRY_INFO_TYPE_URL, decodeMetricsRequest, decodeRpcStatus, encodeMetricsRequest } from '@otel-dp/otlp';
import { PipelineError } from '@otel-dp/pipeline';
import { waitFor } from '@otel-dp/pipeline/testing';
import { connect } from 'node:http2';
import { createConnection } from 'node:net';
import { once } from 'node:events';
import { GRPC_CONNECTION_WINDOW_BYTES, GRPC_STREAM_WINDOW_BYTES } from '../src/grpc-flow-control.js';
import { callGrpcExport, failure, success } from './support/grpc-client.js';
import { startReceiver } from './support/harness.js';
import { gaugeRequest } from './support/requests.js';

const SECRET = 'tok_live_9e1a77';

function decoderMessage(bytes: Uint8Array): string {
  try {
    decodeMetricsRequest(bytes);
  } catch (error) {
    assert.ok(error instanceof OtlpDecodeError);
    return error.message;
  }
  return assert.fail('the bytes decoded');
}

describe('OTLP/gRPC: accepted calls', () => {
  it('hands the request to the consumer and answers without partialSuccess', async (t) => {
    const { consumer, grpc } = await startReceiver(t);
    const body = encodeMetricsRequest(gaugeRequest(4));
    const response = success(await callGrpcExport(grpc, body));
    assert.equal(response.partialSuccess, undefined);
    assert.deepEqual(consumer.requests, [decodeMetricsRequest(body)]);
  });

  it('accepts a gzip-compressed message', async (t) => {
    const { consumer, grpc } = await startReceiver(t);
    const body = encodeMetricsRequest(gaugeRequest(200));
    success(await callGrpcExport(grpc, body, { gzip: true }));
    assert.deepEqual(consumer.requests, [decodeMetricsRequest(body)]);
  });

  it('reports partial success', async (t) => {
    const { consumer, grpc } = await startReceiver(t);
    consumer.returns({ rejectedDataPoints: 3, errorMessage: 'summaries are not supported' });
    const response = success(await callGrpcExport(grpc, encodeMetricsRequest(gaugeRequest(5))));
    assert.deepEqual(response.partialSuccess, { rejectedDataPoints: 3n, errorMessage: 'summaries are not supported' });
  });

  it('answers an empty request without calling the consumer', async (t) => {
    const { consumer, grpc } = await startReceiver(t);
    assert.equal(success(await callGrpcExport(grpc, new Uint8Array(0))).partialSuccess, undefined);
    assert.equal(success(await callGrpcExport(grpc, encodeMetricsRequest(gaugeRequest(0)))).partialSuccess, undefined);
    assert.equal(consumer.requests.length, 0);
  });
});

describe('OTLP/gRPC: flow control', () => {
  it('offers each connection windows wide enough for a whole request, beyond HTTP/2 defaults', { timeout: 10_000 }, async (t) => {
    const { grpc } = await startReceiver(t);
    const session = connect(`http://${grpc.host}:${grpc.port}`);
    t.after(() => session.destroy());
    // The first SETTINGS carries grpc-js's defaults; the widened stream window follows in a second one.
    await once(session, 'remoteSettings');
    if (session.remoteSettings.initialWindowSize !== GRPC_STREAM_WINDOW_BYTES) await once(session, 'remoteSettings');
    assert.equal(session.remoteSettings.initialWindowSize, GRPC_STREAM_WINDOW_BYTES);
    // The connection window arrives as a WINDOW_UPDATE, which no event reports: a ping round trip comes after it.
    await new Promise<void>((resolve, reject) => session.ping((error) => (error ? reject(error) : resolve())));
    assert.equal(session.state.remoteWindowSize, GRPC_CONNECTION_WINDOW_BYTES);
  });
});

describe('OTLP/gRPC: connections that are not HTTP/2', () => {
  it('drops bytes that are not HTTP/2, and connections cut at once, and keeps answering', { timeout: 10_000 }, async (t) => {
    const { grpc } = await startReceiver(t);
    for (const bytes of ['GET / HTTP/1.1\r\nHost: x\r\n\r\n', '\u0000\u0001 not a preface']) {
      const socket = createConnection(grpc.port, grpc.host);
      await once(socket, 'connect');
      // Reading what the server sends (its SETTINGS, then GOAWAY) lets its close reach us.
      socket.resume();
      socket.write(bytes);
      await waitFor(() => socket.closed, `the receiver to close the connection that sent ${JSON.stringify(bytes)}`);
    }
    const cut = createConnection(grpc.port, grpc.host);
    await once(cut, 'connect');
    cut.destroy();
    success(await callGrpcExport(grpc, encodeMetricsRequest(gaugeRequest(2))));
  });
});

describe('OTLP/gRPC: refused calls', () => {
  it('answers a malformed message INVALID_ARGUMENT with the decoder message', async (t) => {
    const { consumer, grpc } = await startReceiver(t);
    const garbage = Uint8Array.from([0x0a, 0x05, 0x01]);
    const error = failure(await callGrpcExport(grpc, garbage));
    assert.equal(error.code, GrpcCode.INVALID_ARGUMENT);
    assert.equal(error.details, decoderMessage(garbage));
    assert.equal(consumer.requests.length, 0);
  });

  it('answers a retryable error UNAVAILABLE with RetryInfo in grpc-status-details-bin', async (t) => {
    const { consumer, grpc } = await startReceiver(t);
    consumer.throws(new PipelineError('PROCESSOR_FULL', 'the open window is full', { retryable: true, retryAfterSeconds: 2.5 }));
    const error = failure(await callGrpcExport(grpc, encodeMetricsRequest(gaugeRequest(1))));
    assert.equal(error.code, GrpcCode.UNAVAILABLE);
    assert.equal(error.details, 'the open window is full');
    const [details] = error.metadata.get('grpc-status-details-bin');
    assert.ok(Buffer.isBuffer(details), 'no grpc-status-details-bin trailer');
    const status = decodeRpcStatus(details);
    assert.equal(status.code, GrpcCode.UNAVAILABLE);
    assert.equal(status.message, 'the open window is full');
    assert.equal(status.details.length, 1);
    assert.equal(status.details[0].typeUrl, RETRY_INFO_TYPE_URL);
    // RetryInfo{retry_delay: Duration{seconds: 2, nanos: 500000000}}, worked out by hand.
    assert.deepEqual([...status.details[0].value], [0x0a, 0x08, 0x08, 0x02, 0x10, 0x80, 0xca, 0xb5, 0xee, 0x01]);
  });

  it('answers a retryable error without a known delay UNAVAILABLE without details', async (t) => {
    const { consumer, grpc } = await startReceiver(t);
    consumer.throws(new PipelineError('PROCESSOR_STOPPED', 'shutting down', { retryable: true }));
    const error = failure(await callGrpcExport(grpc, encodeMetricsRequest(gaugeRequest(1))));
    assert.equal(error.code, GrpcCode.UNAVAILABLE);
    assert.deepEqual(error.metadata.get('grpc-status-details-bin'), []);
  });

  it('answers permanent errors INVALID_ARGUMENT for bad data and INTERNAL otherwise', async (t) => {
    const { consumer, grpc } = await startReceiver(t);
    consumer.throws(new PipelineError('INVALID_DATA', 'histogram bounds are not sorted', { retryable: false, reason: 'bad_data' }));
    const badData = failure(await callGrpcExport(grpc, encodeMetricsRequest(gaugeRequest(1))));
    assert.equal(badData.code, GrpcCode.INVALID_ARGUMENT);
    assert.equal(badData.details, 'histogram bounds are not sorted');
    consumer.throws(new PipelineError('DP_BUDGET_CAP', 'privacy budget cap reached', { retryable: false }));
    assert.equal(failure(await callGrpcExport(grpc, encodeMetricsRequest(gaugeRequest(1)))).code, GrpcCode.INTERNAL);
  });

  it('answers an unexpected exception INTERNAL without its message and keeps serving', async (t) => {
    const { consumer, grpc, logger } = await startReceiver(t);
    consumer.throws(new Error(`lookup failed for ${SECRET}`));
    const error = failure(await callGrpcExport(grpc, encodeMetricsRequest(gaugeRequest(1))));
    assert.equal(error.code, GrpcCode.INTERNAL);
    assert.equal(error.details, 'internal error while handling the request');
    assert.ok(!logger.text().includes(SECRET));
    assert.equal(logger.records.filter((record) => record.level === 'error').length, 1);
    consumer.returns({ rejectedDataPoints: 0, errorMessage: '' });
    success(await callGrpcExport(grpc, encodeMetricsRequest(gaugeRequest(1))));
  });

  it('answers RESOURCE_EXHAUSTED past maxRequestBytes, compressed or not', async (t) => {
    const { consumer, grpc } = await startReceiver(t, { maxRequestBytes: 1000 });
    const big = encodeMetricsRequest(gaugeRequest(100));
    assert.ok(big.length > 1000);
    assert.equal(failure(await callGrpcExport(grpc, big)).code, GrpcCode.RESOURCE_EXHAUSTED);
    assert.equal(failure(await callGrpcExport(grpc, big, { gzip: true })).code, GrpcCode.RESOURCE_EXHAUSTED);
    assert.equal(consumer.requests.length, 0);
    success(await callGrpcExport(grpc, encodeMetricsRequest(gaugeRequest(1))));
  });

  it('answers the good calls around a malformed one', async (t) => {
    const { consumer, grpc } = await startReceiver(t);
    const answers = await Promise.all([
      callGrpcExport(grpc, encodeMetricsRequest(gaugeRequest(1, 'first'))),
      callGrpcExport(grpc, Uint8Array.from([0xff])),
      callGrpcExport(grpc, encodeMetricsRequest(gaugeRequest(1, 'last'))),
    ]);
    assert.deepEqual(
      answers.map((answer) => ('error' in answer ? answer.error.code : GrpcCode.OK)),
      [GrpcCode.OK, GrpcCode.INVALID_ARGUMENT, GrpcCode.OK],
    );
    assert.equal(consumer.requests.length, 2);
  });
});
