import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { status as GrpcCode } from '@grpc/grpc-js';
import { decodeMetricsRequest, encodeMetricsRequest } from '@otel-dp/otlp';
import { percentEncode } from '../src/grpc-exchange.js';
import { parseGrpcEncoding } from '../src/grpc-message.js';
import { startReceiver } from './support/harness.js';
import { grpcFrame, openGrpcSession, rawGrpcCall } from './support/raw-grpc.js';
import { gaugeRequest } from './support/requests.js';

/** Every refused call here carries this in its headers or bytes, so an answer that echoes input would show it. */
const SECRET = 'tok_live_9e1a77';

const GZIP = { 'grpc-encoding': 'gzip' };

async function openSession(t: import('node:test').TestContext, port: number) {
  const session = await openGrpcSession({ host: '127.0.0.1', port });
  t.after(() => session.destroy());
  return session;
}

describe('OTLP/gRPC: length-prefixed messages the receiver reads itself', () => {
  it('accepts one message, compressed or not, and answers with grpc-accept-encoding', async (t) => {
    const { consumer, grpc } = await startReceiver(t);
    const session = await openSession(t, grpc.port);
    const body = encodeMetricsRequest(gaugeRequest(3));
    const plain = await rawGrpcCall(session, grpcFrame(body, false));
    assert.equal(plain.code, GrpcCode.OK, plain.message);
    assert.equal(plain.headers['grpc-accept-encoding'], 'identity,gzip');
    const zipped = await rawGrpcCall(session, grpcFrame(gzipSync(body), true), GZIP);
    assert.equal(zipped.code, GrpcCode.OK, zipped.message);
    // A message not marked compressed is read as it is, whatever grpc-encoding says.
    assert.equal((await rawGrpcCall(session, grpcFrame(body, false), GZIP)).code, GrpcCode.OK);
    assert.deepEqual(consumer.requests, [decodeMetricsRequest(body), decodeMetricsRequest(body), decodeMetricsRequest(body)]);
  });

  it('reads each message whole into buffers used again by later calls, and what was decoded earlier stays as it was', async (t) => {
    const { consumer, grpc } = await startReceiver(t);
    const session = await openSession(t, grpc.port);
    // Large then smaller messages, one at a time and then at once, so later calls read into the buffers of earlier ones.
    const bodies = [2000, 700, 2000, 50].map((points, i) => encodeMetricsRequest(gaugeRequest(points, `caller-${i}`)));
    for (const body of bodies.slice(0, 2)) assert.equal((await rawGrpcCall(session, grpcFrame(body, false))).code, GrpcCode.OK);
    const answers = await Promise.all(bodies.slice(2).map((body) => rawGrpcCall(session, grpcFrame(body, false))));
    for (const answer of answers) assert.equal(answer.code, GrpcCode.OK, answer.message);
    const byService = (request: ReturnType<typeof decodeMetricsRequest>) => request.resourceMetrics[0].resource?.attributes[0].value?.stringValue;
    const received = [...consumer.requests].sort((a, b) => String(byService(a)).localeCompare(String(byService(b))));
    assert.deepEqual(received, bodies.map((body) => decodeMetricsRequest(body)));
  });

  const cases: Array<{ name: string; frame: () => Buffer; headers?: Record<string, string>; code: GrpcCode; message: RegExp }> = [
    {
      name: 'corrupt gzip',
      frame: () => grpcFrame(Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from(SECRET)]), true),
      headers: GZIP,
      code: GrpcCode.INVALID_ARGUMENT,
      message: /^request body is not valid gzip: /,
    },
    {
      name: 'gzip cut short',
      frame: () => grpcFrame(gzipSync(encodeMetricsRequest(gaugeRequest(3))).subarray(0, 30), true),
      headers: GZIP,
      code: GrpcCode.INVALID_ARGUMENT,
      message: /^request body is not valid gzip: /,
    },
    {
      name: 'message shorter than its prefix declares',
      frame: () => grpcFrame(encodeMetricsRequest(gaugeRequest(3)).subarray(0, 20), false, 400),
      code: GrpcCode.INVALID_ARGUMENT,
      message: /^the request message was cut short: 20 of the 400 bytes its prefix declares arrived$/,
    },
    {
      name: 'stream ending inside the prefix',
      frame: () => Buffer.from([0, 0, 0]),
      code: GrpcCode.INVALID_ARGUMENT,
      message: /^the call ended inside the 5-byte message prefix, after 3 bytes$/,
    },
    { name: 'no message at all', frame: () => Buffer.alloc(0), code: GrpcCode.INVALID_ARGUMENT, message: /^the call ended without a request message$/ },
    {
      name: 'bytes after the message',
      frame: () => Buffer.concat([grpcFrame(encodeMetricsRequest(gaugeRequest(1)), false), grpcFrame(Buffer.from(SECRET), false)]),
      code: GrpcCode.INVALID_ARGUMENT,
      message: /^the call carries bytes after its request message; MetricsService\/Export takes exactly one message$/,
    },
    {
      name: 'compressed flag without grpc-encoding',
      frame: () => grpcFrame(gzipSync(encodeMetricsRequest(gaugeRequest(1))), true),
      code: GrpcCode.INVALID_ARGUMENT,
      message: /^the message is marked compressed but the call has no grpc-encoding; send grpc-encoding: gzip with it$/,
    },
    {
      name: 'compressed flag 2',
      frame: () => Buffer.concat([Buffer.from([2, 0, 0, 0, 1]), Buffer.from([0])]),
      code: GrpcCode.INVALID_ARGUMENT,
      message: /^the compressed flag of the message prefix must be 0 or 1$/,
    },
    {
      name: 'unknown grpc-encoding',
      frame: () => grpcFrame(Buffer.from(SECRET), true),
      headers: { 'grpc-encoding': `zstd-${SECRET}` },
      code: GrpcCode.UNIMPLEMENTED,
      message: /^grpc-encoding is not supported, supported: identity,gzip$/,
    },
    {
      name: 'declared length over maxRequestBytes',
      frame: () => grpcFrame(Buffer.alloc(10), false, 2 * 1024 * 1024),
      code: GrpcCode.RESOURCE_EXHAUSTED,
      message: /^request message of 2097152 bytes exceeds the limit of 1048576 bytes$/,
    },
  ];

  for (const c of cases) {
    it(`answers ${GrpcCode[c.code]} for ${c.name}, without quoting the input, and keeps serving`, async (t) => {
      const { consumer, grpc, logger, receiver } = await startReceiver(t);
      const session = await openSession(t, grpc.port);
      const answer = await rawGrpcCall(session, c.frame(), c.headers);
      assert.equal(answer.code, c.code, `answered ${String(answer.code)}: ${answer.message}`);
      assert.match(answer.message, c.message);
      assert.ok(!JSON.stringify(answer.headers).includes(SECRET), 'the answer quotes the input');
      assert.equal(answer.headers['grpc-status-details-bin'], undefined, 'RetryInfo on an answer to bad input');
      assert.equal(consumer.requests.length, 0);
      assert.equal(receiver.stats.grpc.requests.refused, 1);
      // Logged at debug, never quoting the input; nothing at warn or error.
      assert.ok(logger.at('debug').some((record) => record.message.startsWith('OTLP/gRPC call refused')), JSON.stringify(logger.records));
      assert.deepEqual([...logger.at('warn'), ...logger.at('error')], []);
      assert.ok(!JSON.stringify(logger.records).includes(SECRET));
      const good = await rawGrpcCall(session, grpcFrame(encodeMetricsRequest(gaugeRequest(1)), false));
      assert.equal(good.code, GrpcCode.OK, good.message);
      assert.equal(receiver.inflight.bytes, 0, 'bytes still held after the answers');
    });
  }

  it('answers UNIMPLEMENTED for another method without quoting its path, and 415 for a body that is not gRPC', async (t) => {
    const { grpc } = await startReceiver(t);
    const session = await openSession(t, grpc.port);
    const other = await rawGrpcCall(session, grpcFrame(Buffer.alloc(0), false), { ':path': `/x.${SECRET}/Export` });
    assert.equal(other.code, GrpcCode.UNIMPLEMENTED);
    assert.ok(!other.message.includes(SECRET));
    const json = await rawGrpcCall(session, Buffer.from('{}'), { 'content-type': 'application/json' });
    assert.equal(json.code, undefined);
    assert.equal(json.headers[':status'], 415);
  });
});

describe('grpc-encoding and grpc-message', () => {
  it('reads identity and gzip, nothing else', () => {
    assert.equal(parseGrpcEncoding(undefined), 'identity');
    assert.equal(parseGrpcEncoding(' Identity '), 'identity');
    assert.equal(parseGrpcEncoding('gzip'), 'gzip');
    for (const value of ['deflate', 'snappy', 'gzip,gzip', 'x-gzip']) assert.equal(parseGrpcEncoding(value), undefined);
  });

  it('percent-encodes everything outside printable ASCII and the percent sign', () => {
    assert.equal(percentEncode('plain text: (ok)'), 'plain text: (ok)');
    assert.equal(percentEncode('100% é\n'), '100%25 %C3%A9%0A');
    assert.equal(decodeURIComponent(percentEncode('ratio ≥ 100 %')), 'ratio ≥ 100 %');
  });
});
