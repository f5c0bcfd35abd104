import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { status as GrpcCode } from '@grpc/grpc-js';
import { decodeRpcStatus, encodeMetricsRequest, encodeMetricsRequestJson } from '@otel-dp/otlp';
import type { AnyValue, ExportMetricsServiceRequest } from '@otel-dp/otlp';
import { callGrpcExport, failure, success } from './support/grpc-client.js';
import { callHttp } from './support/http-client.js';
import { startReceiver } from './support/harness.js';
import { attribute, gaugeRequest, manyAttributes, requestWithAttributes } from './support/requests.js';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };
const SECRET = 'tok_live_77aa01';
const INVALID_ARGUMENT = 3;

const metricNames = (requests: ExportMetricsServiceRequest[]): string[] =>
  requests.map((request) => request.resourceMetrics[0].scopeMetrics[0].metrics[0].name);

describe('attribute limits over OTLP/HTTP', () => {
  it('answers 400 to a request with too many attributes and serves the good ones around it', async (t) => {
    const { consumer, http, logger } = await startReceiver(t, { maxAttributesPerPoint: 8 });
    const good = (label: string) => callHttp(http, { headers: PROTOBUF, body: encodeMetricsRequest(gaugeRequest(2, label)) });
    assert.equal((await good('before')).status, 200);
    const bad = await callHttp(http, { headers: PROTOBUF, body: encodeMetricsRequest(requestWithAttributes({ point: manyAttributes(9) }, 'histogram')) });
    assert.equal(bad.status, 400);
    // Refused while decoding, at the ninth attribute of the list.
    const status = decodeRpcStatus(bad.body);
    assert.equal(status.code, INVALID_ARGUMENT);
    assert.match(status.message, /^HistogramDataPoint\.attributes at byte \d+ has more than 8 attributes \(maxAttributesPerPoint\)$/);
    assert.equal((await good('after')).status, 200);
    assert.deepEqual(metricNames(consumer.requests), ['requests.before', 'requests.after']);
    assert.ok(logger.records.some((record) => record.fields?.code === 'RECEIVER_TOO_MANY_ATTRIBUTES'));
  });

  it('answers 400 in JSON to a value past the length limit, without quoting the value', async (t) => {
    const { consumer, http } = await startReceiver(t, { maxAttributeValueLength: 10 });
    const body = encodeMetricsRequestJson(requestWithAttributes({ resource: [attribute('api.token', SECRET)] }));
    const answer = await callHttp(http, { headers: JSON_TYPE, body });
    assert.equal(answer.status, 400);
    const status = JSON.parse(answer.body.toString('utf8')) as { code: number; message: string };
    assert.equal(status.code, INVALID_ARGUMENT);
    assert.equal(
      status.message,
      'the resource attributes of resourceMetrics[0] has a string attribute value longer than 10 characters (maxAttributeValueLength)',
    );
    assert.ok(!answer.body.toString('utf8').includes(SECRET));
    assert.equal(consumer.requests.length, 0);
  });

  it('uses the defaults, 128 attributes and 4096 characters, when the configuration leaves them out', async (t) => {
    const { http } = await startReceiver(t);
    const send = (point: ReturnType<typeof manyAttributes>) =>
      callHttp(http, { headers: PROTOBUF, body: encodeMetricsRequest(requestWithAttributes({ point })) }).then((answer) => answer.status);
    assert.equal(await send(manyAttributes(128)), 200);
    assert.equal(await send(manyAttributes(129)), 400);
    assert.equal(await send([attribute('k', 'v'.repeat(4096))]), 200);
    assert.equal(await send([attribute('k', 'v'.repeat(4097))]), 400);
  });
});

describe('attribute limits over OTLP/gRPC', () => {
  it('answers INVALID_ARGUMENT to a value nested too deep and serves the good calls around it', async (t) => {
    const { consumer, grpc } = await startReceiver(t);
    success(await callGrpcExport(grpc, encodeMetricsRequest(gaugeRequest(1, 'before'))));
    let value: AnyValue = { stringValue: 'leaf' };
    for (let level = 0; level < 8; level++) value = { kvlistValue: { values: [{ key: 'k', value }] } };
    const deep = requestWithAttributes({ scope: [{ key: 'deep', value }] }, 'summary');
    const error = failure(await callGrpcExport(grpc, encodeMetricsRequest(deep)));
    assert.equal(error.code, GrpcCode.INVALID_ARGUMENT);
    assert.equal(
      error.details,
      'the scope attributes of resourceMetrics[0].scopeMetrics[0] has an attribute value with arrays or key-value lists nested deeper than 8 levels',
    );
    success(await callGrpcExport(grpc, encodeMetricsRequest(gaugeRequest(1, 'after'))));
    assert.deepEqual(metricNames(consumer.requests), ['requests.before', 'requests.after']);
  });

  it('answers INVALID_ARGUMENT to a bytes value past the length limit', async (t) => {
    const { consumer, grpc } = await startReceiver(t, { maxAttributeValueLength: 32 });
    const request = requestWithAttributes({ point: [{ key: 'blob', value: { bytesValue: new Uint8Array(33) } }] }, 'exponentialHistogram');
    const error = failure(await callGrpcExport(grpc, encodeMetricsRequest(request)));
    assert.equal(error.code, GrpcCode.INVALID_ARGUMENT);
    assert.match(error.details, /has a bytes attribute value longer than 32 bytes \(maxAttributeValueLength\)$/);
    assert.equal(consumer.requests.length, 0);
  });
});

describe('gzip expansion ratio over OTLP/HTTP', () => {
  it('answers 400 naming the limit to a body that inflates too much, and serves the good ones around it', async (t) => {
    const { consumer, http } = await startReceiver(t, { maxRequestBytes: 16 * 1024 * 1024, maxGzipRatio: 20 });
    const gzipped = (body: Uint8Array) => callHttp(http, { headers: { ...PROTOBUF, 'content-encoding': 'gzip' }, body: gzipSync(body) });
    // 3000 points, 146 KB, compress about 8 times: past the floor, under the limit.
    assert.equal((await gzipped(encodeMetricsRequest(gaugeRequest(3000, 'before')))).status, 200);
    // A valid request padded with 1 MiB of zeros in an attribute value compresses about 1000 times.
    const padded = requestWithAttributes({ point: [{ key: 'pad', value: { bytesValue: new Uint8Array(1024 * 1024) } }] });
    const answer = await gzipped(encodeMetricsRequest(padded));
    assert.equal(answer.status, 400);
    assert.match(decodeRpcStatus(answer.body).message, /^gzip request body inflated to (more than )?\d+ bytes from \d+ compressed bytes, more than the limit of 20 times \(maxGzipRatio\)$/);
    assert.equal((await gzipped(encodeMetricsRequest(gaugeRequest(3000, 'after')))).status, 200);
    assert.deepEqual(metricNames(consumer.requests), ['requests.before', 'requests.after']);
  });
});
