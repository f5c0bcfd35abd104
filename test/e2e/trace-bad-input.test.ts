import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { encodeTraceRequest, encodeTraceRequestJson, TRACES_EXPORT_GRPC_PATH, TRACES_EXPORT_PATH, type Span } from '@otel-dp/otlp';
import { SPAN_CALLS_METRIC } from '@otel-dp/processor-dp';
import { OtlpBackend } from '../support/otlp-backend.js';
import { stringAttribute } from '../support/otlp-requests.js';
import { grpcFrame, openGrpcConnection, rawGrpcExport } from '../support/raw-grpc-frames.js';
import { answerMessage, grpcTraceExportBytes, sendHttp, type RawHttpAnswer } from '../support/raw-otlp.js';
import { releasedTotal } from '../support/released-values.js';
import { makeTokens, TOKEN_ATTRIBUTE } from '../support/sdk-app.js';
import { SidecarProcess } from '../support/sidecar-process.js';
import { GOOD_SPAN, GoodSpans, serverSpan, traceRequest } from '../support/trace-requests.js';

/**
 * Bad trace input against the real `otel-dp run`, one request after another
 * on one process: each is refused whole with 400 (HTTP) or INVALID_ARGUMENT
 * (gRPC) and a message that says what was wrong without quoting the
 * client's strings (token, span name, service name), and after each the
 * process is up, `/healthz` answers 200 and a valid trace request (over
 * HTTP and gRPC in turn) is accepted whole. At the end every span of those
 * valid requests has been released (ε = 1e9, the route declared public):
 * nothing else was lost. Laplace, because at ε = 1e9 and a clip of 1000 its
 * σ is 3e-9 a window, where Gaussian's is 0.1 (measured with
 * `reportedNoiseStdDev`): summed over the windows of a run that would come
 * too near the ±0.5 the totals are checked to.
 */
const MAX_ATTRIBUTES = 16;
const NEAR_NOISELESS_FLAGS = [
  '--window', '1s',
  '--epsilon', '1e9',
  '--mechanism', 'laplace',
  '--clip', 'traces.span.metrics.*=0:1000',
  '--clip-count', 'traces.span.metrics.duration=1000',
  '--output-temporality', 'delta',
  '--max-attributes-per-point', String(MAX_ATTRIBUTES),
];
const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };

/** Every bad request carries this token, span name and service; an answer that echoes input would show them. */
const [BAD_TOKEN] = makeTokens(1);
const BAD_SPAN = 'GET /secret-route-7f3a';
const BAD_SERVICE = 'secret-service-91c2';
const CLIENT_STRINGS = [BAD_TOKEN, BAD_SPAN, BAD_SERVICE];

function badRequest(change: Partial<Span> = {}): Uint8Array {
  return encodeTraceRequest(traceRequest(BAD_SERVICE, [serverSpan(BAD_SPAN, BAD_TOKEN, change)]));
}

/** A valid OTLP/JSON span of the bad client, with fields replaced as given (ids, times, types the encoder would not write). */
function badJson(span: Record<string, unknown> = {}): string {
  const end = BigInt(Date.now()) * 1_000_000n;
  const good = {
    traceId: '0102030405060708090a0b0c0d0e0f10',
    spanId: '0102030405060708',
    name: BAD_SPAN,
    kind: 2,
    startTimeUnixNano: String(end - 12_000_000n),
    endTimeUnixNano: String(end),
    attributes: [{ key: TOKEN_ATTRIBUTE, value: { stringValue: BAD_TOKEN } }],
  };
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: BAD_SERVICE } }] }, scopeSpans: [{ spans: [{ ...good, ...span }] }] }] });
}

const wideAttributes = (): ReturnType<typeof stringAttribute>[] =>
  [stringAttribute(TOKEN_ATTRIBUTE, BAD_TOKEN), ...Array.from({ length: 5000 }, (_, i) => stringAttribute(`k${i}`, `${BAD_TOKEN}-${i}`))];

interface BadCase {
  name: string;
  /** Sent over HTTP as protobuf and over gRPC. */
  protobuf?: () => Uint8Array;
  /** Sent over HTTP as OTLP/JSON. */
  json?: () => string;
  message: RegExp;
}

const CASES: BadCase[] = [
  { name: 'truncated protobuf (3 bytes)', protobuf: () => badRequest().subarray(0, 3), message: /byte \d+/ },
  { name: 'truncated protobuf (inside the span)', protobuf: () => badRequest().subarray(0, badRequest().length - 30), message: /byte \d+/ },
  { name: 'truncated protobuf (last byte missing)', protobuf: () => badRequest().subarray(0, badRequest().length - 1), message: /byte \d+/ },
  { name: 'malformed protobuf: invalid wire type', protobuf: () => Uint8Array.from([0x0f, 0x00]), message: /wire type/ },
  { name: 'malformed protobuf: varint over 10 bytes', protobuf: () => Uint8Array.from([0x78, ...new Array<number>(11).fill(0xff)]), message: /varint/ },
  // ResourceSpans { ScopeSpans { Span { name (field 5) as a varint } } }
  { name: 'malformed protobuf: Span.name as a varint', protobuf: () => Uint8Array.from([0x0a, 0x06, 0x12, 0x04, 0x12, 0x02, 0x28, 0x01]), message: /Span\.name/ },
  { name: 'trace id of 15 bytes', protobuf: () => badRequest({ traceId: new Uint8Array(15) }), message: /15 bytes where 16 are expected.*Span\.trace_id/ },
  { name: 'span id of 16 bytes', protobuf: () => badRequest({ spanId: new Uint8Array(16) }), message: /16 bytes where 8 are expected.*Span\.span_id/ },
  { name: 'JSON trace id of 30 hex digits', json: () => badJson({ traceId: '0102030405060708090a0b0c0d0e0f' }), message: /spans\[0\]\.traceId.*32 hex digits/ },
  { name: 'JSON span id not hex', json: () => badJson({ spanId: 'zzzz030405060708' }), message: /spans\[0\]\.spanId/ },
  { name: 'JSON span name a number', json: () => badJson({ name: 5 }), message: /spans\[0\]\.name/ },
  { name: 'JSON start time a boolean', json: () => badJson({ startTimeUnixNano: true }), message: /spans\[0\]\.startTimeUnixNano/ },
  { name: 'JSON kind an unknown name', json: () => badJson({ kind: 'SPAN_KIND_NOPE' }), message: /spans\[0\]\.kind/ },
  { name: 'JSON resourceSpans an object', json: () => '{"resourceSpans":{"scopeSpans":[]}}', message: /resourceSpans/ },
  { name: 'invalid JSON', json: () => badJson().slice(0, 80), message: /JSON/ },
  {
    name: 'span ending before it starts',
    protobuf: () => {
      const end = BigInt(Date.now()) * 1_000_000n;
      return badRequest({ startTimeUnixNano: end, endTimeUnixNano: end - 1n });
    },
    json: () => {
      const end = BigInt(Date.now()) * 1_000_000n;
      return badJson({ startTimeUnixNano: String(end), endTimeUnixNano: String(end - 1n) });
    },
    message: /^span 0 of resourceSpans\[0\]\.scopeSpans\[0\] ends before it starts/,
  },
  { name: 'span starting at time 0 (56 years)', protobuf: () => badRequest({ startTimeUnixNano: 0n }), json: () => badJson({ startTimeUnixNano: '0' }), message: /lasts more than a week/ },
  { name: 'span ending at the largest time', protobuf: () => badRequest({ endTimeUnixNano: 2n ** 64n - 1n }), message: /lasts more than a week/ },
  {
    name: '5001 attributes on a span',
    protobuf: () => badRequest({ attributes: wideAttributes() }),
    json: () => badJson({ attributes: wideAttributes().map((a) => ({ key: a.key, value: { stringValue: a.value.stringValue } })) }),
    message: new RegExp(`more than ${MAX_ATTRIBUTES} attributes.*--max-attributes-per-point`),
  },
  {
    name: '5000 attributes on the resource',
    json: () =>
      encodeTraceRequestJson({
        resourceSpans: [{ resource: { attributes: wideAttributes(), droppedAttributesCount: 0 }, scopeSpans: [{ spans: [serverSpan(BAD_SPAN, BAD_TOKEN)] }] }],
      }),
    message: new RegExp(`more than ${MAX_ATTRIBUTES} attributes`),
  },
];

function assertClear(message: string, expected: RegExp, what: string): void {
  assert.match(message, expected, what);
  for (const text of CLIENT_STRINGS) assert.ok(!message.includes(text), `${what}: the answer quotes ${text}: ${message}`);
}

function assertRefusedHttp(answer: RawHttpAnswer, c: BadCase, encoding: string): string {
  const message = answerMessage(answer);
  assert.equal(answer.status, 400, `${c.name} (${encoding}) answered ${answer.status}: ${message}`);
  assertClear(message, c.message, `${c.name} (${encoding})`);
  assert.equal(answer.headers['retry-after'], undefined, 'Retry-After on an answer to bad input');
  return message;
}

describe('bad trace input is answered with what was wrong, and nothing else is lost', () => {
  test('OTLP/HTTP (protobuf and JSON) and OTLP/gRPC, one case after another on one sidecar', { timeout: 50_000 }, async (t) => {
    const backend = await OtlpBackend.start();
    t.after(() => backend.close());
    const sidecar = await SidecarProcess.start([...NEAR_NOISELESS_FLAGS, ...GoodSpans.publicFlags(), '--otlp-endpoint', backend.endpoint('http/protobuf')]);
    t.after(() => sidecar.kill());
    const good = new GoodSpans(makeTokens(3));
    await good.assertStillServing(sidecar, 'start-up');
    const tracesUrl = `http://127.0.0.1:${sidecar.httpPort}${TRACES_EXPORT_PATH}`;

    for (const c of CASES) {
      await t.test(c.name, async (sub) => {
        if (c.protobuf !== undefined) {
          sub.diagnostic(`HTTP protobuf: ${assertRefusedHttp(await sendHttp(tracesUrl, { headers: PROTOBUF, body: c.protobuf() }), c, 'HTTP protobuf')}`);
          await good.assertStillServing(sidecar, `${c.name} over HTTP`);
          const answer = await grpcTraceExportBytes(`127.0.0.1:${sidecar.grpcPort}`, c.protobuf());
          assert.equal(answer.code, grpc.status.INVALID_ARGUMENT, `${c.name} (gRPC) answered ${grpc.status[answer.code]}: ${answer.details}`);
          assertClear(answer.details, c.message, `${c.name} (gRPC)`);
          sub.diagnostic(`gRPC: ${answer.details}`);
          assert.equal(answer.retryDelaySeconds, undefined, 'RetryInfo on an answer to bad input');
          await good.assertStillServing(sidecar, `${c.name} over gRPC`);
        }
        if (c.json !== undefined) {
          sub.diagnostic(`HTTP JSON: ${assertRefusedHttp(await sendHttp(tracesUrl, { headers: JSON_TYPE, body: c.json() }), c, 'HTTP JSON')}`);
          await good.assertStillServing(sidecar, `${c.name} as JSON`);
        }
      });
    }

    await t.test('gRPC message cut short of its length prefix', async (sub) => {
      const session = await openGrpcConnection(sidecar.grpcPort);
      try {
        const whole = badRequest();
        const answer = await rawGrpcExport(session, grpcFrame(whole.subarray(0, 40), false, whole.length), { ':path': TRACES_EXPORT_GRPC_PATH });
        assert.equal(answer.code, grpc.status.INVALID_ARGUMENT, `answered ${String(answer.code)}: ${answer.message}`);
        assertClear(answer.message, /^the request message was cut short: 40 of the \d+ bytes its prefix declares arrived$/, 'gRPC frame cut short');
        sub.diagnostic(`gRPC: ${answer.message}`);
      } finally {
        session.destroy();
      }
      await good.assertStillServing(sidecar, 'a gRPC message cut short');
    });

    assert.deepEqual(await sidecar.stop(), { code: 0, signal: null }, sidecar.describe());
    assert.deepEqual(backend.failures, []);
    const released = releasedTotal(backend.requests, SPAN_CALLS_METRIC);
    t.diagnostic(`released ${released} calls for ${good.sent} valid requests of ${good.tokens.length} spans`);
    assert.ok(Math.abs(released - good.expectedCalls) <= 0.5, `released ${released} calls of ${GOOD_SPAN}, sent ${good.expectedCalls} spans\n${sidecar.describe()}`);
    for (const text of CLIENT_STRINGS) {
      assert.ok(!sidecar.stderr.includes(text) && !sidecar.stdout.includes(text), `the sidecar's output quotes ${text}`);
      assert.deepEqual(backend.requestsContaining(text), [], `${text} reached the backend`);
    }
  });
});
