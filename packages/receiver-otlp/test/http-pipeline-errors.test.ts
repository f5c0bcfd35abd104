import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRpcStatus, encodeMetricsRequest, encodeMetricsRequestJson } from '@otel-dp/otlp';
import { PipelineError } from '@otel-dp/pipeline';
import { callHttp } from './support/http-client.js';
import { startReceiver } from './support/harness.js';
import { gzipBomb } from './support/gzip-bomb.js';
import { gate } from './support/recording-consumer.js';
import { gaugeRequest } from './support/requests.js';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const SECRET = 'tok_live_5f2b9c';

describe('OTLP/HTTP: answers to consumer failures', () => {
  it('answers a retryable error 503 with Retry-After when the delay is known', async (t) => {
    const { consumer, http } = await startReceiver(t);
    const body = encodeMetricsRequest(gaugeRequest(1));
    consumer.throws(new PipelineError('PROCESSOR_FULL', 'the open window is full', { retryable: true, retryAfterSeconds: 2.5 }));
    const withDelay = await callHttp(http, { headers: PROTOBUF, body });
    assert.equal(withDelay.status, 503);
    assert.equal(withDelay.headers['retry-after'], '3');
    assert.deepEqual(decodeRpcStatus(withDelay.body), { code: 14, message: 'the open window is full', details: [] });
    consumer.throws(new PipelineError('PROCESSOR_FULL', 'the open window is full', { retryable: true }));
    const withoutDelay = await callHttp(http, { headers: PROTOBUF, body });
    assert.equal(withoutDelay.status, 503);
    assert.equal(withoutDelay.headers['retry-after'], undefined);
  });

  it('answers a permanent error 400 for bad data and 500 otherwise', async (t) => {
    const { consumer, http } = await startReceiver(t);
    const body = encodeMetricsRequest(gaugeRequest(1));
    consumer.throws(new PipelineError('INVALID_DATA', 'histogram bounds are not sorted', { retryable: false, reason: 'bad_data' }));
    const badData = await callHttp(http, { headers: PROTOBUF, body });
    assert.equal(badData.status, 400);
    assert.equal(decodeRpcStatus(badData.body).message, 'histogram bounds are not sorted');
    consumer.throws(new PipelineError('DP_BUDGET_CAP', 'privacy budget cap reached', { retryable: false }));
    const failed = await callHttp(http, { headers: PROTOBUF, body });
    assert.equal(failed.status, 500);
    assert.deepEqual(decodeRpcStatus(failed.body), { code: 13, message: 'privacy budget cap reached', details: [] });
  });

  it('answers an unexpected exception 500 without its message, logs it, and keeps serving', async (t) => {
    const { consumer, http, logger } = await startReceiver(t);
    const body = encodeMetricsRequest(gaugeRequest(1));
    consumer.throws(new TypeError(`cannot read token ${SECRET}`));
    const failed = await callHttp(http, { headers: PROTOBUF, body });
    assert.equal(failed.status, 500);
    assert.equal(decodeRpcStatus(failed.body).message, 'internal error while handling the request');
    assert.ok(!failed.body.toString('latin1').includes(SECRET));
    const logged = logger.records.filter((record) => record.level === 'error');
    assert.equal(logged.length, 1);
    assert.equal(logged[0].fields?.errorName, 'TypeError');
    assert.ok(!logger.text().includes(SECRET), 'the log repeats the exception message');
    consumer.returns({ rejectedDataPoints: 0, errorMessage: '' });
    assert.equal((await callHttp(http, { headers: PROTOBUF, body })).status, 200);
  });

  it('answers 500 when the consumer reports a count that is not a whole number', async (t) => {
    const { consumer, http } = await startReceiver(t);
    consumer.returns({ rejectedDataPoints: -1, errorMessage: 'x' });
    const answer = await callHttp(http, { headers: PROTOBUF, body: encodeMetricsRequest(gaugeRequest(1)) });
    assert.equal(answer.status, 500);
  });
});

describe('OTLP/HTTP: isolation between requests', () => {
  it('answers the good requests around a malformed one 200', async (t) => {
    const { consumer, http } = await startReceiver(t);
    const good = (label: string) => callHttp(http, { headers: PROTOBUF, body: encodeMetricsRequest(gaugeRequest(1, label)) });
    const first = good('first');
    const bad = callHttp(http, { headers: { 'content-type': 'application/json' }, body: '{"resourceMetrics": 7}' });
    const last = good('last');
    const statuses = (await Promise.all([first, bad, last])).map((answer) => answer.status);
    assert.deepEqual(statuses, [200, 400, 200]);
    const received = consumer.requests.map((request) => request.resourceMetrics[0].scopeMetrics[0].metrics[0].name).sort();
    assert.deepEqual(received, ['requests.first', 'requests.last']);
  });

  it('keeps answering while one request waits on a slow consumer', async (t) => {
    const { consumer, http } = await startReceiver(t);
    const held = gate();
    consumer.behaviour = async (request) => {
      if (request.resourceMetrics[0].scopeMetrics[0].metrics[0].name === 'requests.slow') await held.opened;
      return { rejectedDataPoints: 0, errorMessage: '' };
    };
    const slow = callHttp(http, { headers: PROTOBUF, body: encodeMetricsRequest(gaugeRequest(1, 'slow')) });
    const fast = await callHttp(http, { headers: PROTOBUF, body: encodeMetricsRequest(gaugeRequest(1, 'fast')) });
    assert.equal(fast.status, 200);
    held.open();
    assert.equal((await slow).status, 200);
  });

  it('answers a 1 GiB gzip bomb 413 under the default 16 MiB limit when the ratio allows it, and serves the next request', async (t) => {
    const { consumer, http } = await startReceiver(t, { maxRequestBytes: 16 * 1024 * 1024, maxGzipRatio: 1e6 });
    const bomb = gzipBomb(1024);
    const started = performance.now();
    const answer = await callHttp(http, { headers: { ...PROTOBUF, 'content-encoding': 'gzip' }, body: bomb });
    assert.equal(answer.status, 413);
    assert.equal(decodeRpcStatus(answer.body).message, `request body exceeds the limit of ${16 * 1024 * 1024} bytes after decompression`);
    assert.ok(performance.now() - started < 5000, 'inflating went on long past the limit');
    assert.equal(consumer.requests.length, 0);
    const next = await callHttp(http, { headers: { 'content-type': 'application/json' }, body: encodeMetricsRequestJson(gaugeRequest(1)) });
    assert.equal(next.status, 200);
  });
});
