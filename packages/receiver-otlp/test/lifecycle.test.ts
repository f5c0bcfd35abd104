import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { describe, it } from 'node:test';
import { describeLifecycleContract } from '@otel-dp/pipeline/testing';
import { encodeMetricsRequest } from '@otel-dp/otlp';
import { ReceiverConfigError, ReceiverStartError } from '../src/errors.js';
import { OtlpReceiver } from '../src/receiver.js';
import { callGrpcExport, success } from './support/grpc-client.js';
import { callHttp } from './support/http-client.js';
import { LOOPBACK_ANY_PORT } from './support/harness.js';
import { RecordingConsumer, RecordingLogger, gate } from './support/recording-consumer.js';
import { gaugeRequest } from './support/requests.js';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const BOTH_ON_LOOPBACK = { httpListen: LOOPBACK_ANY_PORT, grpcListen: LOOPBACK_ANY_PORT, maxRequestBytes: 1 << 20 };

/** A plain TCP server holding a loopback port, so a listener cannot take it. */
async function occupyPort(t: { after: (fn: () => unknown) => void }): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

async function startError(receiver: OtlpReceiver): Promise<ReceiverStartError> {
  const error = await receiver.start().then(
    () => assert.fail('start() resolved'),
    (reason: unknown) => reason,
  );
  assert.ok(error instanceof ReceiverStartError, String(error));
  return error;
}

async function refusesConnections(port: number): Promise<boolean> {
  const answer = await callHttp({ host: '127.0.0.1', port }, { method: 'GET' }).then(
    () => 'answered',
    (error: NodeJS.ErrnoException) => error.code,
  );
  return answer === 'ECONNREFUSED';
}

describe('OtlpReceiver lifecycle', () => {
  it('rejects an invalid configuration in the constructor', () => {
    const consumer = new RecordingConsumer();
    assert.throws(() => new OtlpReceiver({ ...BOTH_ON_LOOPBACK, maxRequestBytes: -5 }, consumer), ReceiverConfigError);
    assert.throws(() => new OtlpReceiver(BOTH_ON_LOOPBACK, consumer, { shutdownTimeoutMillis: -1 }), /shutdownTimeoutMillis is -1/);
  });

  it('says where it listens, and that it is loopback only', async (t) => {
    const logger = new RecordingLogger();
    const receiver = new OtlpReceiver(BOTH_ON_LOOPBACK, new RecordingConsumer(), { logger });
    t.after(() => receiver.shutdown());
    await receiver.start();
    const infos = logger.records.filter((record) => record.level === 'info').map((record) => record.message);
    assert.deepEqual(infos, [
      `OTLP/HTTP receiver listening on 127.0.0.1:${receiver.httpAddress?.port} (loopback only)`,
      `OTLP/gRPC receiver listening on 127.0.0.1:${receiver.grpcAddress?.port} (loopback only)`,
    ]);
    assert.notEqual(receiver.httpAddress?.port, 0);
    assert.notEqual(receiver.grpcAddress?.port, 0);
  });

  it('fails to start with a clear error when the HTTP port is taken', async (t) => {
    const port = await occupyPort(t);
    const receiver = new OtlpReceiver({ ...BOTH_ON_LOOPBACK, httpListen: { host: '127.0.0.1', port } }, new RecordingConsumer());
    const error = await startError(receiver);
    assert.equal(error.code, 'RECEIVER_LISTEN_FAILED');
    assert.equal(error.message, `cannot listen for OTLP/HTTP on 127.0.0.1:${port}: the port is already in use (EADDRINUSE)`);
    assert.equal(receiver.httpAddress, undefined);
    await receiver.shutdown();
  });

  it('fails to start when the gRPC port is taken, and releases the HTTP port it had bound', async (t) => {
    const port = await occupyPort(t);
    const logger = new RecordingLogger();
    const receiver = new OtlpReceiver({ ...BOTH_ON_LOOPBACK, grpcListen: { host: '127.0.0.1', port } }, new RecordingConsumer(), { logger });
    const error = await startError(receiver);
    assert.equal(error.message, `cannot listen for OTLP/gRPC on 127.0.0.1:${port}: the port is already in use (EADDRINUSE)`);
    const announced = logger.records.find((record) => record.message.startsWith('OTLP/HTTP receiver listening'));
    const httpPort = Number(/:(\d+) /.exec(announced?.message ?? '')?.[1]);
    assert.ok(httpPort > 0);
    assert.equal(await refusesConnections(httpPort), true);
    assert.equal(receiver.grpcAddress, undefined);
  });

  it('is idempotent: start twice, shutdown twice, no restart after shutdown', async () => {
    const receiver = new OtlpReceiver(BOTH_ON_LOOPBACK, new RecordingConsumer());
    const first = receiver.start();
    assert.equal(receiver.start(), first);
    await first;
    const port = receiver.httpAddress?.port ?? 0;
    const stopping = receiver.shutdown();
    assert.equal(receiver.shutdown(), stopping);
    await stopping;
    assert.equal(receiver.httpAddress, undefined);
    assert.equal(await refusesConnections(port), true);
    assert.equal((await startError(receiver)).code, 'RECEIVER_SHUT_DOWN');
  });

  it('shuts down without having started', async () => {
    const receiver = new OtlpReceiver(BOTH_ON_LOOPBACK, new RecordingConsumer());
    await receiver.shutdown();
    assert.equal((await startError(receiver)).code, 'RECEIVER_SHUT_DOWN');
  });

  it('runs one listener when the other is off', async (t) => {
    const consumer = new RecordingConsumer();
    const receiver = new OtlpReceiver({ ...BOTH_ON_LOOPBACK, httpListen: 'off' }, consumer);
    t.after(() => receiver.shutdown());
    await receiver.start();
    assert.equal(receiver.httpAddress, undefined);
    const grpc = receiver.grpcAddress;
    assert.ok(grpc !== undefined);
    success(await callGrpcExport(grpc, encodeMetricsRequest(gaugeRequest(1))));
    assert.equal(consumer.requests.length, 1);
  });

  it('lets requests in flight finish on shutdown, and refuses new connections', async () => {
    const consumer = new RecordingConsumer();
    const held = gate();
    const arrived = gate();
    consumer.behaviour = async () => {
      arrived.open();
      await held.opened;
      return { rejectedDataPoints: 0, errorMessage: '' };
    };
    const receiver = new OtlpReceiver(BOTH_ON_LOOPBACK, consumer, { shutdownTimeoutMillis: 5000 });
    await receiver.start();
    const port = receiver.httpAddress?.port ?? 0;
    const inFlight = callHttp({ host: '127.0.0.1', port }, { headers: PROTOBUF, body: encodeMetricsRequest(gaugeRequest(1)) });
    await arrived.opened;
    const stopping = receiver.shutdown();
    assert.equal(await refusesConnections(port), true);
    held.open();
    const answer = await inFlight;
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.connection, 'close');
    await stopping;
  });

  it('cuts requests still in flight at the shutdown deadline, and says so', async () => {
    const consumer = new RecordingConsumer();
    const arrived = gate();
    const never = gate();
    consumer.behaviour = async () => {
      arrived.open();
      await never.opened;
      return { rejectedDataPoints: 0, errorMessage: '' };
    };
    const logger = new RecordingLogger();
    const receiver = new OtlpReceiver(BOTH_ON_LOOPBACK, consumer, { logger, shutdownTimeoutMillis: 100 });
    await receiver.start();
    const port = receiver.httpAddress?.port ?? 0;
    const inFlight = callHttp({ host: '127.0.0.1', port }, { headers: PROTOBUF, body: encodeMetricsRequest(gaugeRequest(1)) }).then(
      () => 'answered',
      () => 'cut',
    );
    await arrived.opened;
    const started = performance.now();
    await receiver.shutdown();
    assert.ok(performance.now() - started < 2000);
    assert.equal(await inFlight, 'cut');
    const warning = logger.records.find((record) => record.level === 'warn');
    assert.deepEqual(warning?.fields, { httpRequests: 1, grpcCalls: 0, shutdownTimeoutMillis: 100 });
    never.open();
  });
});

/** Holds each request this long, so a shutdown finds one in flight. */
const HOLD_MILLIS = 100;
const held = new WeakMap<OtlpReceiver, RecordingConsumer>();

describeLifecycleContract<OtlpReceiver>('OtlpReceiver', {
  create() {
    const consumer = new RecordingConsumer();
    const receiver = new OtlpReceiver(BOTH_ON_LOOPBACK, consumer, { shutdownTimeoutMillis: 5000 });
    held.set(receiver, consumer);
    return receiver;
  },
  async assertStarted(receiver) {
    const http = await callHttp(receiver.httpAddress!, { headers: PROTOBUF, body: encodeMetricsRequest(gaugeRequest(1)) });
    assert.equal(http.status, 200);
    assert.equal(success(await callGrpcExport(receiver.grpcAddress!, encodeMetricsRequest(gaugeRequest(2)))).partialSuccess, undefined);
  },
  async load(receiver) {
    const consumer = held.get(receiver)!;
    const arrived = gate();
    consumer.behaviour = async () => {
      arrived.open();
      await new Promise((resolve) => setTimeout(resolve, HOLD_MILLIS));
      return { rejectedDataPoints: 0, errorMessage: '' };
    };
    void callHttp(receiver.httpAddress!, { headers: PROTOBUF, body: encodeMetricsRequest(gaugeRequest(3)) }).catch(() => undefined);
    await arrived.opened;
  },
  assertStopped(receiver) {
    assert.equal(receiver.httpAddress, undefined);
    assert.equal(receiver.grpcAddress, undefined);
  },
});
