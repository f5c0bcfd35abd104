import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { status as GrpcCode } from '@grpc/grpc-js';
import { CodedError, decodeRpcStatus, encodeTraceRequest, encodeTraceRequestJson, type Span } from '@otel-dp/otlp';
import { checkSpanTimes } from '../src/export-traces.js';
import { callHttp } from './support/http-client.js';
import { attribute } from './support/requests.js';
import { SECRET_TOKEN, callGrpcTraceExport, grpcFailure, grpcSuccess, serverSpan, startTraceReceiver, traceRequest, type RunningTraceReceiver } from './support/trace-requests.js';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };
const INVALID_ARGUMENT = 3;

interface BadBody {
  protobuf?: Uint8Array;
  json?: string;
  /** What the answer must say. */
  message: RegExp;
}

/** Client strings that must never come back in an answer. */
const CLIENT_STRINGS = [SECRET_TOKEN, 'GET /r/', '/r/0', 'checkout', 'zzzz'];

function assertClear(message: string, expected: RegExp): void {
  assert.match(message, expected);
  for (const text of CLIENT_STRINGS) assert.ok(!message.includes(text), `the answer quotes ${text}: ${message}`);
}

/** Sends the bad body over every transport it has a form for, each time followed by a good request that must still pass. */
async function refuses(running: RunningTraceReceiver, bad: BadBody): Promise<void> {
  const { http, grpc, traces } = running;
  const good = encodeTraceRequest(traceRequest(2));
  const before = traces.requests.length;
  if (bad.protobuf !== undefined) {
    const answer = await callHttp(http, { path: '/v1/traces', headers: PROTOBUF, body: bad.protobuf });
    assert.equal(answer.status, 400);
    const status = decodeRpcStatus(answer.body);
    assert.equal(status.code, INVALID_ARGUMENT);
    assertClear(status.message, bad.message);
    const error = grpcFailure(await callGrpcTraceExport(grpc.port, bad.protobuf));
    assert.equal(error.code, GrpcCode.INVALID_ARGUMENT);
    assertClear(error.details, bad.message);
    grpcSuccess(await callGrpcTraceExport(grpc.port, good));
  }
  if (bad.json !== undefined) {
    const answer = await callHttp(http, { path: '/v1/traces', headers: JSON_TYPE, body: bad.json });
    assert.equal(answer.status, 400);
    const status = JSON.parse(answer.body.toString('utf8')) as { code: number; message: string };
    assert.equal(status.code, INVALID_ARGUMENT);
    assertClear(status.message, bad.message);
  }
  assert.equal((await callHttp(http, { path: '/v1/traces', headers: PROTOBUF, body: good })).status, 200);
  // Only the good requests reached the consumer.
  const goodSent = bad.protobuf === undefined ? 1 : 2;
  assert.equal(traces.requests.length, before + goodSent);
}

function jsonWithSpan(span: Record<string, unknown>): string {
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] }, scopeSpans: [{ spans: [span] }] }] });
}

const GOOD_JSON_SPAN = {
  traceId: '0102030405060708090a0b0c0d0e0f10',
  spanId: '0102030405060708',
  name: 'GET /r/0',
  kind: 2,
  startTimeUnixNano: '1700000000000000000',
  endTimeUnixNano: '1700000000012000000',
  attributes: [{ key: 'api.token', value: { stringValue: SECRET_TOKEN } }],
};

function withSpan(change: Partial<Span>): Uint8Array {
  return encodeTraceRequest(traceRequest([{ ...serverSpan(0), ...change }]));
}

describe('bad trace input: 400 / INVALID_ARGUMENT, nothing else lost', () => {
  it('refuses every truncation of a protobuf request', async (t) => {
    const running = await startTraceReceiver(t);
    const whole = encodeTraceRequest(traceRequest(1));
    // Cuts inside the span (after the framing of the resource and scope) leave a length past its parent's end.
    for (const cut of [3, 20, whole.length - 30, whole.length - 1]) {
      await refuses(running, { protobuf: whole.subarray(0, cut), message: /truncated|past|end|byte \d+/ });
    }
  });

  it('refuses malformed protobuf: an invalid wire type, a varint over 10 bytes, a wrong wire type for a span field', async (t) => {
    const running = await startTraceReceiver(t);
    await refuses(running, { protobuf: Uint8Array.from([0x0f, 0x00]), message: /wire type/ });
    await refuses(running, { protobuf: Uint8Array.from([0x78, ...new Array<number>(11).fill(0xff)]), message: /varint/ });
    // ResourceSpans { ScopeSpans { Span { name (field 5) as a varint } } }
    await refuses(running, { protobuf: Uint8Array.from([0x0a, 0x06, 0x12, 0x04, 0x12, 0x02, 0x28, 0x01]), message: /Span\.name/ });
  });

  it('refuses ids of the wrong length, in protobuf and in OTLP/JSON, and ids that are not hex', async (t) => {
    const running = await startTraceReceiver(t);
    await refuses(running, { protobuf: withSpan({ traceId: new Uint8Array(15) }), message: /15 bytes where 16 are expected.*Span\.trace_id/ });
    await refuses(running, { protobuf: withSpan({ spanId: new Uint8Array(16) }), message: /16 bytes where 8 are expected.*Span\.span_id/ });
    await refuses(running, { json: jsonWithSpan({ ...GOOD_JSON_SPAN, traceId: '0102030405060708090a0b0c0d0e0f' }), message: /spans\[0\]\.traceId.*32 hex digits/ });
    await refuses(running, { json: jsonWithSpan({ ...GOOD_JSON_SPAN, spanId: 'zzzz030405060708' }), message: /spans\[0\]\.spanId/ });
  });

  it('refuses wrong JSON types with the field path and not the value', async (t) => {
    const running = await startTraceReceiver(t);
    await refuses(running, { json: jsonWithSpan({ ...GOOD_JSON_SPAN, name: 5 }), message: /spans\[0\]\.name/ });
    await refuses(running, { json: jsonWithSpan({ ...GOOD_JSON_SPAN, startTimeUnixNano: true }), message: /spans\[0\]\.startTimeUnixNano/ });
    await refuses(running, { json: jsonWithSpan({ ...GOOD_JSON_SPAN, kind: 'SPAN_KIND_zzzz' }), message: /spans\[0\]\.kind/ });
    await refuses(running, { json: '{"resourceSpans":{"scopeSpans":[]}}', message: /resourceSpans/ });
    await refuses(running, { json: '{"resourceSpans":[', message: /JSON/ });
  });

  it('refuses a span that ends before it starts, in either encoding, naming its position', async (t) => {
    const running = await startTraceReceiver(t);
    const span = serverSpan(0);
    await refuses(running, {
      protobuf: withSpan({ endTimeUnixNano: span.startTimeUnixNano - 1n }),
      json: jsonWithSpan({ ...GOOD_JSON_SPAN, endTimeUnixNano: '1699999999999999999' }),
      message: /^span 0 of resourceSpans\[0\]\.scopeSpans\[0\] ends before it starts/,
    });
  });

  it('throws an InvalidSpanError, a CodedError, with the code of the fault', () => {
    const request = traceRequest([{ ...serverSpan(0), startTimeUnixNano: 0n }]);
    assert.throws(() => checkSpanTimes(request), (e: unknown) => e instanceof CodedError && e.code === 'RECEIVER_SPAN_TOO_LONG' && e.name === 'InvalidSpanError');
  });

  it('refuses absurd durations: a zero start time, an end at the largest time', async (t) => {
    const running = await startTraceReceiver(t);
    await refuses(running, { protobuf: withSpan({ startTimeUnixNano: 0n }), message: /lasts more than a week/ });
    await refuses(running, { protobuf: withSpan({ endTimeUnixNano: 2n ** 64n - 1n }), message: /lasts more than a week/ });
    await refuses(running, { json: jsonWithSpan({ ...GOOD_JSON_SPAN, startTimeUnixNano: '0' }), message: /lasts more than a week/ });
  });

  it('refuses huge span attribute lists and values past the limits, naming the flag', async (t) => {
    const running = await startTraceReceiver(t, { maxAttributesPerPoint: 16, maxAttributeValueLength: 64 });
    const many = Array.from({ length: 5000 }, (_, i) => attribute(`k${i}`, `${SECRET_TOKEN}-${i}`));
    await refuses(running, {
      protobuf: withSpan({ attributes: many }),
      json: jsonWithSpan({ ...GOOD_JSON_SPAN, attributes: many.map((a) => ({ key: a.key, value: { stringValue: a.value.stringValue } })) }),
      message: /more than 16 attributes.*maxAttributesPerPoint/,
    });
    await refuses(running, {
      protobuf: withSpan({ attributes: [attribute('note', 'x'.repeat(65))] }),
      message: /^span 0 of resourceSpans\[0\]\.scopeSpans\[0\] has a string attribute value longer than 64 characters/,
    });
    const resourceHeavy = encodeTraceRequestJson({ resourceSpans: [{ resource: { attributes: many, droppedAttributesCount: 0 }, scopeSpans: [{ spans: [serverSpan(0)] }] }] });
    await refuses(running, { json: resourceHeavy, message: /^the resource attributes of resourceSpans\[0\] has more than 16 attributes/ });
  });
});
