import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  countDataPoints,
  decodeMetricsRequest,
  decodeMetricsRequestJson,
  decodeMetricsResponse,
  decodeMetricsResponseJson,
  decodeRpcStatus,
  encodeMetricsRequest,
  encodeMetricsRequestJson,
} from '@otel-dp/otlp';
import { PipelineError } from '@otel-dp/pipeline';
import { callHttp } from './support/http-client.js';
import type { HttpAnswer } from './support/http-client.js';
import { startReceiver } from './support/harness.js';
import { gaugeRequest } from './support/requests.js';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };
const INVALID_ARGUMENT = 3;
const UNAVAILABLE = 14;

function protobufStatus(answer: HttpAnswer): { code: number; message: string } {
  assert.equal(answer.headers['content-type'], 'application/x-protobuf');
  return decodeRpcStatus(answer.body);
}

function jsonStatus(answer: HttpAnswer): { code: number; message: string } {
  assert.equal(answer.headers['content-type'], 'application/json');
  const status = JSON.parse(answer.body.toString('utf8')) as { code?: number; message?: string };
  return { code: status.code ?? 0, message: status.message ?? '' };
}

describe('OTLP/HTTP: accepted requests', () => {
  it('hands a protobuf request to the consumer and answers 200 without partialSuccess', async (t) => {
    const { consumer, http } = await startReceiver(t);
    const body = encodeMetricsRequest(gaugeRequest(3));
    const answer = await callHttp(http, { headers: PROTOBUF, body });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], 'application/x-protobuf');
    assert.equal(decodeMetricsResponse(answer.body).partialSuccess, undefined);
    assert.equal(consumer.requests.length, 1);
    assert.deepEqual(consumer.requests[0], decodeMetricsRequest(body));
  });

  it('hands a JSON request to the consumer, with any case and a charset, and answers in JSON', async (t) => {
    const { consumer, http } = await startReceiver(t);
    const body = encodeMetricsRequestJson(gaugeRequest(2));
    const answer = await callHttp(http, { headers: { 'content-type': 'Application/JSON; charset=utf-8' }, body });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], 'application/json');
    assert.equal(decodeMetricsResponseJson(answer.body.toString('utf8')).partialSuccess, undefined);
    assert.deepEqual(consumer.requests, [decodeMetricsRequestJson(body)]);
  });

  it('decodes the OTLP example metrics file posted as JSON', async (t) => {
    const { consumer, http } = await startReceiver(t);
    const text = readFileSync(new URL('../../../../test/testdata/otlp-example-metrics.json', import.meta.url), 'utf8');
    const answer = await callHttp(http, { headers: JSON_TYPE, body: text });
    assert.equal(answer.status, 200, answer.body.toString());
    assert.equal(consumer.requests.length, 1);
    const received = consumer.requests[0];
    const names = received.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics.map((m) => m.name)));
    assert.deepEqual(names, ['my.counter', 'my.gauge', 'my.histogram', 'my.exponential.histogram']);
    assert.equal(countDataPoints(received), 4);
    const counter = received.resourceMetrics[0].scopeMetrics[0].metrics[0];
    assert.equal(counter.sum?.dataPoints[0].startTimeUnixNano, 1544712660300000000n);
  });

  it('inflates a gzip body', async (t) => {
    const { consumer, http } = await startReceiver(t);
    const body = encodeMetricsRequest(gaugeRequest(50));
    const answer = await callHttp(http, { headers: { ...PROTOBUF, 'content-encoding': 'gzip' }, body: gzipSync(body) });
    assert.equal(answer.status, 200);
    assert.deepEqual(consumer.requests, [decodeMetricsRequest(body)]);
  });

  it('answers an empty request 200 without calling the consumer', async (t) => {
    const { consumer, http } = await startReceiver(t);
    const noBody = await callHttp(http, { headers: PROTOBUF, body: new Uint8Array(0) });
    const noPoints = await callHttp(http, { headers: JSON_TYPE, body: encodeMetricsRequestJson(gaugeRequest(0)) });
    assert.equal(noBody.status, 200);
    assert.equal(decodeMetricsResponse(noBody.body).partialSuccess, undefined);
    assert.equal(noPoints.status, 200);
    assert.equal(decodeMetricsResponseJson(noPoints.body.toString('utf8')).partialSuccess, undefined);
    assert.equal(consumer.requests.length, 0);
  });

  it('reports partial success in protobuf and in JSON', async (t) => {
    const { consumer, http } = await startReceiver(t);
    consumer.returns({ rejectedDataPoints: 2, errorMessage: '2 points had no token' });
    const proto = await callHttp(http, { headers: PROTOBUF, body: encodeMetricsRequest(gaugeRequest(3)) });
    assert.equal(proto.status, 200);
    assert.deepEqual(decodeMetricsResponse(proto.body).partialSuccess, { rejectedDataPoints: 2n, errorMessage: '2 points had no token' });
    const json = await callHttp(http, { headers: JSON_TYPE, body: encodeMetricsRequestJson(gaugeRequest(3)) });
    assert.equal(json.status, 200);
    assert.deepEqual(decodeMetricsResponseJson(json.body.toString('utf8')).partialSuccess, {
      rejectedDataPoints: 2n,
      errorMessage: '2 points had no token',
    });
  });

  it('passes on a warning with no rejected points as partialSuccess', async (t) => {
    const { consumer, http } = await startReceiver(t);
    consumer.returns({ rejectedDataPoints: 0, errorMessage: 'exemplars dropped' });
    const answer = await callHttp(http, { headers: PROTOBUF, body: encodeMetricsRequest(gaugeRequest(1)) });
    assert.equal(answer.status, 200);
    assert.deepEqual(decodeMetricsResponse(answer.body).partialSuccess, { rejectedDataPoints: 0n, errorMessage: 'exemplars dropped' });
  });
});

describe('OTLP/HTTP: refused requests', () => {
  it('answers 404 for another path, 405 with Allow for another method, 415 in text for another type', async (t) => {
    const { consumer, http } = await startReceiver(t);
    const body = encodeMetricsRequest(gaugeRequest(1));
    const notFound = await callHttp(http, { path: '/v1/traces', headers: PROTOBUF, body });
    assert.equal(notFound.status, 404);
    const wrongMethod = await callHttp(http, { method: 'GET' });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.allow, 'POST');
    const wrongType = await callHttp(http, { headers: { 'content-type': 'text/plain' }, body });
    assert.equal(wrongType.status, 415);
    assert.match(String(wrongType.headers['content-type']), /^text\/plain/);
    assert.equal(wrongType.body.toString(), 'unsupported media type, supported: [application/json, application/x-protobuf]');
    const noType = await callHttp(http, { body });
    assert.equal(noType.status, 415);
    assert.equal(consumer.requests.length, 0);
  });

  it('answers a query string on the right path like the path alone', async (t) => {
    const { http } = await startReceiver(t);
    const answer = await callHttp(http, { path: '/v1/metrics?x=1', headers: PROTOBUF, body: encodeMetricsRequest(gaugeRequest(1)) });
    assert.equal(answer.status, 200);
  });

  it('answers a malformed body 400 with INVALID_ARGUMENT in the request encoding', async (t) => {
    const { consumer, http } = await startReceiver(t);
    const proto = await callHttp(http, { headers: PROTOBUF, body: Uint8Array.from([0x0a, 0xff, 0xff, 0xff]) });
    assert.equal(proto.status, 400);
    const protoStatus = protobufStatus(proto);
    assert.equal(protoStatus.code, INVALID_ARGUMENT);
    assert.ok(protoStatus.message.length > 0);
    const json = await callHttp(http, { headers: JSON_TYPE, body: '{"resourceMetrics": [' });
    assert.equal(json.status, 400);
    const status = jsonStatus(json);
    assert.equal(status.code, INVALID_ARGUMENT);
    assert.ok(status.message.length > 0);
    assert.equal(consumer.requests.length, 0);
  });

  it('answers 400 naming the supported encodings for an unknown Content-Encoding, without quoting it', async (t) => {
    const { http } = await startReceiver(t);
    const answer = await callHttp(http, { headers: { ...JSON_TYPE, 'content-encoding': 'br-tok_live_9e1a77' }, body: '{}' });
    assert.equal(answer.status, 400);
    assert.deepEqual(jsonStatus(answer), {
      code: INVALID_ARGUMENT,
      message: 'Content-Encoding is not supported, supported: gzip, identity',
    });
  });

  it('answers 400 for a body that claims gzip and is not', async (t) => {
    const { http } = await startReceiver(t);
    const answer = await callHttp(http, { headers: { ...PROTOBUF, 'content-encoding': 'gzip' }, body: 'not gzip at all' });
    assert.equal(answer.status, 400);
    assert.match(protobufStatus(answer).message, /^request body is not valid gzip/);
  });

  it('answers 413 from the declared Content-Length before the body arrives', async (t) => {
    const { consumer, http } = await startReceiver(t, { maxRequestBytes: 1000 });
    const answer = await callHttp(http, { headers: { ...PROTOBUF, 'content-length': '1001' }, withholdBody: true });
    assert.equal(answer.status, 413);
    assert.equal(protobufStatus(answer).message, 'request body of 1001 bytes exceeds the limit of 1000 bytes');
    assert.equal(consumer.requests.length, 0);
  });

  it('answers 413 when the inflated body passes the limit', async (t) => {
    const { consumer, http } = await startReceiver(t, { maxRequestBytes: 1000 });
    const padded = gzipSync(Buffer.concat([encodeMetricsRequest(gaugeRequest(1)), Buffer.alloc(1000)]));
    assert.ok(padded.length < 1000);
    const answer = await callHttp(http, { headers: { ...PROTOBUF, 'content-encoding': 'gzip' }, body: padded });
    assert.equal(answer.status, 413);
    assert.equal(protobufStatus(answer).message, 'request body exceeds the limit of 1000 bytes after decompression');
    assert.equal(consumer.requests.length, 0);
  });
});
