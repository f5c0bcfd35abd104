import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { status as GrpcCode } from '@grpc/grpc-js';
import {
  decodeRpcStatus,
  decodeTraceRequest,
  decodeTraceRequestJson,
  decodeTraceResponse,
  decodeTraceResponseJson,
  encodeTraceRequest,
  encodeTraceRequestJson,
  type Span,
} from '@otel-dp/otlp';
import { PipelineError } from '@otel-dp/pipeline';
import { callHttp } from './support/http-client.js';
import { startReceiver } from './support/harness.js';
import { attribute } from './support/requests.js';
import { SECRET_TOKEN, callGrpcTraceExport, grpcFailure, grpcSuccess, serverSpan, startTraceReceiver, traceRequest } from './support/trace-requests.js';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };
const TRACES = '/v1/traces';

describe('OTLP/HTTP POST /v1/traces', () => {
  it('hands protobuf, gzip and JSON trace requests to the trace consumer and answers in kind', async (t) => {
    const { consumer, traces, http } = await startTraceReceiver(t);
    const request = traceRequest(3);
    const body = encodeTraceRequest(request);
    const plain = await callHttp(http, { path: TRACES, headers: PROTOBUF, body });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-type'], 'application/x-protobuf');
    assert.deepEqual(decodeTraceResponse(plain.body), {});
    const gzipped = await callHttp(http, { path: TRACES, headers: { ...PROTOBUF, 'content-encoding': 'gzip' }, body: gzipSync(body) });
    assert.equal(gzipped.status, 200);
    const json = await callHttp(http, { path: TRACES, headers: JSON_TYPE, body: encodeTraceRequestJson(request) });
    assert.equal(json.status, 200);
    assert.equal(json.headers['content-type'], 'application/json');
    assert.deepEqual(decodeTraceResponseJson(json.body.toString('utf8')), {});
    assert.deepEqual(traces.requests, [request, request, request]);
    assert.equal(consumer.requests.length, 0);
  });

  it('answers a partial success with rejected_spans in protobuf and JSON', async (t) => {
    const { traces, http } = await startTraceReceiver(t);
    traces.returns({ rejectedSpans: 2, errorMessage: '2 spans without the api.token attribute were dropped' });
    const protobuf = await callHttp(http, { path: TRACES, headers: PROTOBUF, body: encodeTraceRequest(traceRequest(3)) });
    assert.deepEqual(decodeTraceResponse(protobuf.body).partialSuccess, { rejectedSpans: 2n, errorMessage: '2 spans without the api.token attribute were dropped' });
    const json = await callHttp(http, { path: TRACES, headers: JSON_TYPE, body: encodeTraceRequestJson(traceRequest(3)) });
    assert.deepEqual(JSON.parse(json.body.toString('utf8')), { partialSuccess: { rejectedSpans: '2', errorMessage: '2 spans without the api.token attribute were dropped' } });
  });

  it('answers a request without spans without calling the consumer', async (t) => {
    const { traces, http } = await startTraceReceiver(t);
    assert.equal((await callHttp(http, { path: TRACES, headers: PROTOBUF, body: new Uint8Array(0) })).status, 200);
    assert.equal((await callHttp(http, { path: TRACES, headers: JSON_TYPE, body: '{"resourceSpans":[{"scopeSpans":[{}]}]}' })).status, 200);
    assert.equal(traces.requests.length, 0);
  });

  it('maps the consumer errors to the metrics path statuses', async (t) => {
    const { traces, http } = await startTraceReceiver(t);
    const body = encodeTraceRequest(traceRequest(1));
    traces.throws(new PipelineError('WINDOW_FULL', 'the window is full', { retryable: true, reason: 'overloaded', retryAfterSeconds: 2 }));
    const full = await callHttp(http, { path: TRACES, headers: PROTOBUF, body });
    assert.deepEqual([full.status, full.headers['retry-after']], [429, '2']);
    traces.throws(new Error('a bug'));
    const bug = await callHttp(http, { path: TRACES, headers: PROTOBUF, body });
    assert.deepEqual([bug.status, decodeRpcStatus(bug.body).message], [500, 'internal error while handling the request']);
  });

  it('lists both endpoints in the 404 for another path, and only metrics when traces are not served', async (t) => {
    const { http } = await startTraceReceiver(t);
    const answer = await callHttp(http, { path: '/v1/logs', headers: PROTOBUF, body: '' });
    assert.equal(answer.status, 404);
    assert.equal(answer.body.toString('utf8'), 'no OTLP endpoint at this path, metrics are accepted at POST /v1/metrics and traces at POST /v1/traces');
    const metricsOnly = await startReceiver(t);
    const refused = await callHttp(metricsOnly.http, { path: TRACES, headers: PROTOBUF, body: encodeTraceRequest(traceRequest(1)) });
    assert.equal(refused.status, 404);
    assert.equal(refused.body.toString('utf8'), 'no OTLP endpoint at this path, metrics are accepted at POST /v1/metrics');
  });

  it('counts accepted and refused spans apart from data points', async (t) => {
    const { receiver, traces, http } = await startTraceReceiver(t);
    await callHttp(http, { path: TRACES, headers: PROTOBUF, body: encodeTraceRequest(traceRequest(4)) });
    traces.returns({ rejectedSpans: 1, errorMessage: 'one dropped' });
    await callHttp(http, { path: TRACES, headers: PROTOBUF, body: encodeTraceRequest(traceRequest(3)) });
    traces.throws(new PipelineError('PROCESSOR_UNAVAILABLE', 'not started', { retryable: true }));
    assert.equal((await callHttp(http, { path: TRACES, headers: PROTOBUF, body: encodeTraceRequest(traceRequest(2)) })).status, 503);
    traces.throws(new Error('a bug'));
    assert.equal((await callHttp(http, { path: TRACES, headers: PROTOBUF, body: encodeTraceRequest(traceRequest(5)) })).status, 500);
    const { requests, acceptedSpans, refusedSpans, failedSpans, acceptedDataPoints, refusedDataPoints } = receiver.stats.http;
    assert.deepEqual(
      { requests, acceptedSpans, refusedSpans, failedSpans, acceptedDataPoints, refusedDataPoints },
      { requests: { success: 2, refused: 1, failure: 1 }, acceptedSpans: 6, refusedSpans: 3, failedSpans: 5, acceptedDataPoints: 0, refusedDataPoints: 0 },
    );
  });
});

describe('OTLP/gRPC TraceService/Export', () => {
  it('serves TraceService/Export beside MetricsService/Export, gzip included, with partial success', async (t) => {
    const { traces, grpc, receiver } = await startTraceReceiver(t);
    const request = traceRequest(2);
    assert.deepEqual(grpcSuccess(await callGrpcTraceExport(grpc.port, encodeTraceRequest(request))), {});
    traces.returns({ rejectedSpans: 1, errorMessage: 'one span was dropped' });
    const partial = grpcSuccess(await callGrpcTraceExport(grpc.port, encodeTraceRequest(request), { gzip: true }));
    assert.deepEqual(partial.partialSuccess, { rejectedSpans: 1n, errorMessage: 'one span was dropped' });
    assert.deepEqual(traces.requests, [request, request]);
    assert.deepEqual([receiver.stats.grpc.acceptedSpans, receiver.stats.grpc.refusedSpans], [3, 1]);
  });

  it('names both methods when refusing another one', async (t) => {
    const { grpc } = await startTraceReceiver(t);
    const error = grpcFailure(await callGrpcTraceExport(grpc.port, new Uint8Array(0), { method: '/opentelemetry.proto.collector.logs.v1.LogsService/Export' }));
    assert.equal(error.code, GrpcCode.UNIMPLEMENTED);
    assert.equal(
      error.details,
      'unknown method, this server serves /opentelemetry.proto.collector.metrics.v1.MetricsService/Export and /opentelemetry.proto.collector.trace.v1.TraceService/Export',
    );
  });

  it('maps an overloaded consumer to RESOURCE_EXHAUSTED', async (t) => {
    const { traces, grpc } = await startTraceReceiver(t);
    traces.throws(new PipelineError('WINDOW_FULL', 'the window is full', { retryable: true, reason: 'overloaded' }));
    assert.equal(grpcFailure(await callGrpcTraceExport(grpc.port, encodeTraceRequest(traceRequest(1)))).code, GrpcCode.RESOURCE_EXHAUSTED);
  });
});

describe('trace requests within the receiver limits', () => {
  it('applies the body size, message count and in-flight limits to trace requests', async (t) => {
    const { traces, http, grpc } = await startTraceReceiver(t, { maxRequestBytes: 4096, maxMessagesPerRequest: 20 });
    const big = encodeTraceRequest(traceRequest(60));
    assert.equal((await callHttp(http, { path: TRACES, headers: PROTOBUF, body: big })).status, 413);
    assert.equal(grpcFailure(await callGrpcTraceExport(grpc.port, big)).code, GrpcCode.RESOURCE_EXHAUSTED);
    const many = encodeTraceRequest(traceRequest(Array.from({ length: 19 }, (_, i) => ({ ...serverSpan(i), attributes: [] }))));
    assert.ok(many.length < 4096);
    const answer = await callHttp(http, { path: TRACES, headers: PROTOBUF, body: many });
    assert.equal(answer.status, 400);
    assert.match(decodeRpcStatus(answer.body).message, /more than 20 resource spans, scope spans and spans together \(maxMessagesPerRequest\)/);
    assert.equal(traces.requests.length, 0);
  });
});

describe('a trace consumer that reads only some span attributes', () => {
  const withoutIds = (span: Span): Span => ({ ...span, traceId: new Uint8Array(0), spanId: new Uint8Array(0) });

  it('is handed protobuf spans with only those attributes and no ids, over HTTP and gRPC; JSON spans whole', async (t) => {
    const { traces, http, grpc } = await startTraceReceiver(t, {}, ['api.token']);
    const request = traceRequest(3);
    const body = encodeTraceRequest(request);
    assert.equal((await callHttp(http, { path: TRACES, headers: PROTOBUF, body })).status, 200);
    grpcSuccess(await callGrpcTraceExport(grpc.port, body));
    assert.equal((await callHttp(http, { path: TRACES, headers: JSON_TYPE, body: encodeTraceRequestJson(request) })).status, 200);
    const spans = request.resourceSpans[0].scopeSpans[0].spans;
    const narrowed = traceRequest(spans.map((span) => ({ ...withoutIds(span), attributes: [attribute('api.token', SECRET_TOKEN)] })));
    assert.deepEqual(traces.requests, [narrowed, narrowed, request]);
  });

  it('changes no refusal: a value past the length limit under a key it does not read is refused as before', async (t) => {
    const long = serverSpan(0, 12, [attribute('url.full', 'x'.repeat(40))]);
    const answers: string[] = [];
    for (const spanAttributes of [undefined, ['api.token']]) {
      const { traces, http } = await startTraceReceiver(t, { maxAttributeValueLength: 32 }, spanAttributes);
      const answer = await callHttp(http, { path: TRACES, headers: PROTOBUF, body: encodeTraceRequest(traceRequest([long])) });
      assert.equal(answer.status, 400);
      answers.push(decodeRpcStatus(answer.body).message);
      assert.equal(traces.requests.length, 0);
    }
    assert.match(answers[0], /span 0 of resourceSpans\[0\]\.scopeSpans\[0\] has a string attribute value longer than 32 characters \(maxAttributeValueLength\)/);
    assert.equal(answers[1], answers[0]);
  });

  it('is handed whole a span with an attribute the selection does not skip, such as a non-ASCII value', async (t) => {
    const { traces, http } = await startTraceReceiver(t, {}, ['api.token']);
    const request = traceRequest([serverSpan(0, 12, [attribute('user_agent.original', 'client (café)')]), serverSpan(1)]);
    assert.equal((await callHttp(http, { path: TRACES, headers: PROTOBUF, body: encodeTraceRequest(request) })).status, 200);
    const [whole, plain] = request.resourceSpans[0].scopeSpans[0].spans;
    assert.deepEqual(traces.requests, [traceRequest([whole, { ...withoutIds(plain), attributes: [attribute('api.token', SECRET_TOKEN)] }])]);
  });
});
