import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { encodeMetricsRequest, encodeMetricsRequestJson, METRICS_EXPORT_PATH } from '@otel-dp/otlp';
import { metricTotal, scrapeMetrics } from '../support/admin-endpoint.js';
import { goodRequest, longAttributeRequest, wideAttributesRequest } from '../support/odd-requests.js';
import { OtlpBackend } from '../support/otlp-backend.js';
import { grpcFrame, openGrpcConnection, rawGrpcExport } from '../support/raw-grpc-frames.js';
import { answerMessage, grpcExportBytes, sendHttp, type RawHttpAnswer, type RawHttpRequest } from '../support/raw-otlp.js';
import { releasedTotal } from '../support/released-values.js';
import { makeTokens } from '../support/sdk-app.js';
import { SidecarProcess } from '../support/sidecar-process.js';
import { GOOD_METRIC, GoodTraffic } from '../support/still-serving.js';

/**
 * Bad input, one request at a time, against running sidecars: each case
 * gets its expected answer with a message that says what was wrong (and
 * never quotes a token), and after each the process is up, `/healthz` is
 * 200 and a valid request is accepted whole. At the end every valid
 * request sent between the bad ones has been released: nothing else was
 * lost.
 */
const MAX_REQUEST_BYTES = 1024 * 1024;
const MAX_ATTRIBUTES = 16;
const MAX_VALUE_LENGTH = 256;
/** Above the ≈1000:1 of a gzip bomb of zeros, so the bomb meets --max-request-bytes first. */
const BOMB_SIDECAR_GZIP_RATIO = 2000;
/**
 * Laplace: at ε = 1e9 and a clip of 1000 its σ is 3e-9 a window, Gaussian's
 * 0.1 (`reportedNoiseStdDev`), which over the 7 windows of a slow run summed
 * past the ±0.5 the released total is checked to (65.41 of 66 once).
 */
const NEAR_NOISELESS_FLAGS = ['--window', '1s', '--epsilon', '1e9', '--mechanism', 'laplace', '--clip', '*=0:1000', '--output-temporality', 'delta'];
const LIMIT_FLAGS = [
  '--max-request-bytes', String(MAX_REQUEST_BYTES),
  '--max-attributes-per-point', String(MAX_ATTRIBUTES),
  '--max-attribute-value-length', String(MAX_VALUE_LENGTH),
];
const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };

/** Every bad request carries this token, so an answer that echoes input would show it. */
const [BAD_TOKEN] = makeTokens(1);

interface HttpCase {
  name: string;
  /** Default /v1/metrics. */
  path?: string;
  request: () => RawHttpRequest;
  status: number;
  /** What the answer's message must say. */
  message: RegExp;
  /** Headers the answer must carry. */
  headers?: Record<string, RegExp>;
}

const validBytes = (): Uint8Array => encodeMetricsRequest(goodRequest('e2e.bad', [BAD_TOKEN]));

const HTTP_CASES: HttpCase[] = [
  { name: 'malformed protobuf', request: () => ({ headers: PROTOBUF, body: Buffer.from([0x0a, 0x03, 0x0f, 0xff, 0xff]) }), status: 400, message: /invalid wire type 7/ },
  { name: 'truncated protobuf body', request: () => ({ headers: PROTOBUF, body: validBytes().subarray(0, 40) }), status: 400, message: /exceeds the \d+ bytes left/ },
  { name: 'wrong content type', request: () => ({ headers: { 'content-type': 'text/plain' }, body: validBytes() }), status: 415, message: /supported: \[application\/json, application\/x-protobuf\]/ },
  { name: 'unknown path', path: '/v1/logs', request: () => ({ headers: PROTOBUF, body: validBytes() }), status: 404, message: /accepted at POST \/v1\/metrics/ },
  { name: 'GET', request: () => ({ method: 'GET' }), status: 405, message: /method GET is not allowed, use POST/, headers: { allow: /^POST$/ } },
  {
    name: 'gzip bomb (64 MiB of zeros)',
    request: () => ({ headers: { ...PROTOBUF, 'content-encoding': 'gzip' }, body: gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 }) }),
    status: 413,
    message: new RegExp(`exceeds the limit of ${MAX_REQUEST_BYTES} bytes after decompression`),
  },
  { name: 'body over --max-request-bytes', request: () => ({ headers: PROTOBUF, body: Buffer.alloc(2 * MAX_REQUEST_BYTES, 0x0a) }), status: 413, message: new RegExp(`${2 * MAX_REQUEST_BYTES} bytes exceeds the limit of ${MAX_REQUEST_BYTES} bytes`) },
  {
    name: `${MAX_ATTRIBUTES + 4} attributes on a point`,
    request: () => ({ headers: PROTOBUF, body: encodeMetricsRequest(wideAttributesRequest(BAD_TOKEN, MAX_ATTRIBUTES + 4)) }),
    status: 400,
    // Refused while decoding, at the first list past the limit (JSON is checked after parsing, by position).
    message: new RegExp(`^NumberDataPoint\\.attributes at byte \\d+ has more than ${MAX_ATTRIBUTES} attributes \\(--max-attributes-per-point\\)$`),
  },
  {
    name: `an attribute value of ${MAX_VALUE_LENGTH + 44} characters`,
    request: () => ({ headers: PROTOBUF, body: encodeMetricsRequest(longAttributeRequest(BAD_TOKEN, MAX_VALUE_LENGTH + 44)) }),
    status: 400,
    message: new RegExp(`^data point 0 of resourceMetrics\\[0\\]\\.scopeMetrics\\[0\\]\\.metrics\\[0\\] .*longer than ${MAX_VALUE_LENGTH} characters \\(--max-attribute-value-length\\)`),
  },
  { name: 'invalid JSON', request: () => ({ headers: JSON_TYPE, body: `{"resourceMetrics":[{"resource":{"attributes":[{"key":"api.token","value":{"stringValue":"${BAD_TOKEN}"}}` }), status: 400, message: /not valid JSON/ },
  {
    name: 'JSON with a wrong type',
    request: () => ({ headers: JSON_TYPE, body: encodeMetricsRequestJson(goodRequest('e2e.bad', [BAD_TOKEN])).replace(/"asInt":"1"/, '"asInt":{"no":"number"}') }),
    status: 400,
    message: /dataPoints\[0\]\.asInt: expected a signed 64-bit integer/,
  },
  { name: 'Content-Encoding br', request: () => ({ headers: { ...PROTOBUF, 'content-encoding': `br-${BAD_TOKEN}` }, body: validBytes() }), status: 400, message: /^Content-Encoding is not supported, supported: gzip, identity$/ },
  { name: 'gzip header on a body that is not gzip', request: () => ({ headers: { ...PROTOBUF, 'content-encoding': 'gzip' }, body: validBytes() }), status: 400, message: /not valid gzip/ },
];

/** On a sidecar with the default ratio of 100: 1 MiB of zeros inflates ≈1000:1, under the default --max-request-bytes of 16 MiB. */
const GZIP_RATIO_CASE: HttpCase = {
  name: 'gzip body inflating past --max-gzip-ratio',
  request: () => ({ headers: { ...PROTOBUF, 'content-encoding': 'gzip' }, body: gzipSync(Buffer.alloc(1024 * 1024)) }),
  status: 400,
  message: /more than the limit of 100 times \(--max-gzip-ratio\)/,
};

interface GrpcCase {
  name: string;
  message: () => Uint8Array;
  code: grpc.status;
  details: RegExp;
}

const GRPC_CASES: GrpcCase[] = [
  { name: 'malformed message', message: () => Buffer.from([0x0a, 0x03, 0x0f, 0xff, 0xff]), code: grpc.status.INVALID_ARGUMENT, details: /invalid wire type 7/ },
  { name: 'message over --max-request-bytes', message: () => Buffer.alloc(2 * MAX_REQUEST_BYTES, 0x0a), code: grpc.status.RESOURCE_EXHAUSTED, details: new RegExp(`message of ${2 * MAX_REQUEST_BYTES} bytes exceeds the limit of ${MAX_REQUEST_BYTES} bytes`) },
  {
    name: `${MAX_ATTRIBUTES + 4} attributes on a point`,
    message: () => encodeMetricsRequest(wideAttributesRequest(BAD_TOKEN, MAX_ATTRIBUTES + 4)),
    code: grpc.status.INVALID_ARGUMENT,
    details: new RegExp(`more than ${MAX_ATTRIBUTES} attributes.*\\(--max-attributes-per-point\\)`),
  },
];

/** Calls no gRPC client would make: the frame, and the headers, as sent. */
interface RawGrpcCase {
  name: string;
  frame: () => Buffer;
  headers?: Record<string, string>;
  code: grpc.status;
  details: RegExp;
}

const RAW_GRPC_CASES: RawGrpcCase[] = [
  {
    name: 'corrupt gzip message',
    frame: () => grpcFrame(Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from(BAD_TOKEN)]), true),
    headers: { 'grpc-encoding': 'gzip' },
    code: grpc.status.INVALID_ARGUMENT,
    details: /^request body is not valid gzip: /,
  },
  {
    name: 'message cut short of its prefix',
    frame: () => grpcFrame(validBytes().subarray(0, 40), false, validBytes().length),
    code: grpc.status.INVALID_ARGUMENT,
    details: /^the request message was cut short: 40 of the \d+ bytes its prefix declares arrived$/,
  },
  {
    name: 'compressed flag without grpc-encoding',
    frame: () => grpcFrame(gzipSync(validBytes()), true),
    code: grpc.status.INVALID_ARGUMENT,
    details: /marked compressed but the call has no grpc-encoding/,
  },
  {
    name: 'unknown grpc-encoding',
    frame: () => grpcFrame(validBytes(), true),
    headers: { 'grpc-encoding': `zstd-${BAD_TOKEN}` },
    code: grpc.status.UNIMPLEMENTED,
    details: /^grpc-encoding is not supported, supported: identity,gzip$/,
  },
  {
    name: 'gzip bomb (64 MiB of zeros)',
    frame: () => grpcFrame(gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 }), true),
    headers: { 'grpc-encoding': 'gzip' },
    code: grpc.status.RESOURCE_EXHAUSTED,
    details: new RegExp(`exceeds the limit of ${MAX_REQUEST_BYTES} bytes after decompression`),
  },
];

async function startPair(t: TestContext, flags: string[]): Promise<{ backend: OtlpBackend; sidecar: SidecarProcess }> {
  const backend = await OtlpBackend.start();
  t.after(() => backend.close());
  const sidecar = await SidecarProcess.start([...NEAR_NOISELESS_FLAGS, ...flags, '--otlp-endpoint', backend.endpoint('http/protobuf')]);
  t.after(() => sidecar.kill());
  return { backend, sidecar };
}

function assertAnswer(answer: RawHttpAnswer, c: HttpCase): void {
  const message = answerMessage(answer);
  assert.equal(answer.status, c.status, `answered ${answer.status}: ${message}`);
  assert.match(message, c.message);
  assert.ok(!message.includes(BAD_TOKEN), `the answer quotes the token: ${message}`);
  for (const [header, pattern] of Object.entries(c.headers ?? {})) assert.match(String(answer.headers[header] ?? ''), pattern, `header ${header}`);
  // Bad input is not the load's fault: nothing invites the client to send it again.
  assert.equal(answer.headers['retry-after'], undefined, 'Retry-After on an answer to bad input');
}

/** After SIGTERM: exit 0, and every valid request sent between the bad ones released (ε = 1e9: ±0.5). */
async function assertNothingElseLost(sidecar: SidecarProcess, backend: OtlpBackend, good: GoodTraffic): Promise<void> {
  assert.deepEqual(await sidecar.stop(), { code: 0, signal: null }, sidecar.describe());
  assert.deepEqual(backend.failures, []);
  const released = releasedTotal(backend.requests, GOOD_METRIC);
  assert.ok(Math.abs(released - good.expectedTotal) <= 0.5, `released ${released} of ${GOOD_METRIC}, sent ${good.expectedTotal}\n${sidecar.describe()}`);
  assert.ok(!sidecar.stderr.includes(BAD_TOKEN), 'the token of a bad request appears in the log');
}

describe('bad input is answered with what was wrong, and nothing else is lost', { concurrency: true }, () => {
  test('OTLP/HTTP and OTLP/gRPC, one case after another on one sidecar', { timeout: 90_000 }, async (t) => {
    const { backend, sidecar } = await startPair(t, [...LIMIT_FLAGS, '--max-gzip-ratio', String(BOMB_SIDECAR_GZIP_RATIO)]);
    const good = new GoodTraffic(makeTokens(3));
    await good.assertStillServing(sidecar, 'start-up');

    for (const c of HTTP_CASES) {
      await t.test(`HTTP ${c.name} → ${c.status}`, async () => {
        assertAnswer(await sendHttp(`http://127.0.0.1:${sidecar.httpPort}${c.path ?? METRICS_EXPORT_PATH}`, c.request()), c);
        await good.assertStillServing(sidecar, c.name);
      });
    }
    for (const c of GRPC_CASES) {
      await t.test(`gRPC ${c.name} → ${grpc.status[c.code]}`, async () => {
        const answer = await grpcExportBytes(`127.0.0.1:${sidecar.grpcPort}`, c.message());
        assert.equal(answer.code, c.code, `answered ${grpc.status[answer.code]}: ${answer.details}`);
        assert.match(answer.details, c.details);
        assert.ok(!answer.details.includes(BAD_TOKEN), `the answer quotes the token: ${answer.details}`);
        // RESOURCE_EXHAUSTED without RetryInfo tells an OTLP client not to retry.
        assert.equal(answer.retryDelaySeconds, undefined, 'RetryInfo on an answer to bad input');
        await good.assertStillServing(sidecar, c.name);
      });
    }

    const session = await openGrpcConnection(sidecar.grpcPort);
    t.after(() => session.destroy());
    for (const c of RAW_GRPC_CASES) {
      await t.test(`gRPC ${c.name} → ${grpc.status[c.code]}`, async () => {
        const answer = await rawGrpcExport(session, c.frame(), c.headers);
        assert.equal(answer.code, c.code, `answered ${String(answer.code)}: ${answer.message}`);
        assert.match(answer.message, c.details);
        assert.ok(!JSON.stringify(answer.headers).includes(BAD_TOKEN), `the answer quotes the token: ${answer.message}`);
        assert.equal(answer.headers['grpc-status-details-bin'], undefined, 'RetryInfo on an answer to bad input');
        await good.assertStillServing(sidecar, c.name);
      });
    }

    await t.test('every refusal is counted on /metrics', async () => {
      const samples = await scrapeMetrics(sidecar.adminUrl);
      assert.equal(metricTotal(samples, 'otelcol_receiver_requests_total', { outcome: 'refused', transport: 'http' }), HTTP_CASES.length);
      assert.equal(metricTotal(samples, 'otelcol_receiver_requests_total', { outcome: 'refused', transport: 'grpc' }), GRPC_CASES.length + RAW_GRPC_CASES.length);
      assert.equal(metricTotal(samples, 'otelcol_receiver_requests_total', { outcome: 'success' }), good.sent);
      assert.equal(metricTotal(samples, 'otelcol_receiver_requests_total', { outcome: 'failure' }), 0);
    });
    await assertNothingElseLost(sidecar, backend, good);
  });

  test(`HTTP and gRPC ${GZIP_RATIO_CASE.name} (default 100) → 400 / INVALID_ARGUMENT`, { timeout: 60_000 }, async (t) => {
    const { backend, sidecar } = await startPair(t, []);
    const good = new GoodTraffic(makeTokens(3));
    assertAnswer(await sendHttp(sidecar.httpMetricsUrl, GZIP_RATIO_CASE.request()), GZIP_RATIO_CASE);
    await good.assertStillServing(sidecar, GZIP_RATIO_CASE.name);
    const session = await openGrpcConnection(sidecar.grpcPort);
    t.after(() => session.destroy());
    const answer = await rawGrpcExport(session, grpcFrame(gzipSync(Buffer.alloc(1024 * 1024)), true), { 'grpc-encoding': 'gzip' });
    assert.equal(answer.code, grpc.status.INVALID_ARGUMENT, `answered ${String(answer.code)}: ${answer.message}`);
    assert.match(answer.message, GZIP_RATIO_CASE.message);
    await good.assertStillServing(sidecar, `gRPC ${GZIP_RATIO_CASE.name}`);
    await assertNothingElseLost(sidecar, backend, good);
  });
});
