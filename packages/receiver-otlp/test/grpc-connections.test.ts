import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { connect, constants } from 'node:http2';
import type { ClientHttp2Session } from 'node:http2';
import { createConnection } from 'node:net';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { status as GrpcCode } from '@grpc/grpc-js';
import { encodeMetricsRequest } from '@otel-dp/otlp';
import { startReceiver } from './support/harness.js';
import { grpcFrame, openGrpcSession, rawGrpcCall } from './support/raw-grpc.js';
import { gate } from './support/recording-consumer.js';
import { gaugeRequest } from './support/requests.js';

const openDescriptors = (): number => readdirSync('/proc/self/fd').length;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with whether the socket was closed by the server within `ms`. */
function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function openSockets(port: number, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = createConnection(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    sockets.push(socket);
  }
  return sockets;
}

describe('OTLP/gRPC: streams and connections are capped', () => {
  it('announces grpcMaxConcurrentStreams in its SETTINGS', { timeout: 10_000 }, async (t) => {
    const { grpc } = await startReceiver(t, { grpcMaxConcurrentStreams: 8 });
    const session = connect(`http://127.0.0.1:${grpc.port}`);
    t.after(() => session.destroy());
    await once(session, 'remoteSettings');
    assert.equal(session.remoteSettings.maxConcurrentStreams, 8);
  });

  it('holds no more than grpcMaxConcurrentStreams calls of one connection at once; the client queues the rest', { timeout: 10_000 }, async (t) => {
    const { consumer, grpc } = await startReceiver(t, { grpcMaxConcurrentStreams: 2 });
    const held = gate();
    let inConsumer = 0;
    let most = 0;
    consumer.behaviour = async () => {
      inConsumer += 1;
      most = Math.max(most, inConsumer);
      await held.opened;
      inConsumer -= 1;
      return { rejectedDataPoints: 0, errorMessage: '' };
    };
    const session = await openGrpcSession(grpc);
    t.after(() => session.destroy());
    await once(session, 'remoteSettings');
    const calls = Array.from({ length: 5 }, () => rawGrpcCall(session, grpcFrame(encodeMetricsRequest(gaugeRequest(1)), false)));
    await sleep(300);
    assert.equal(consumer.requests.length, 2);
    held.open();
    assert.deepEqual((await Promise.all(calls)).map((answer) => answer.code), [0, 0, 0, 0, 0]);
    assert.equal(most, 2);
  });

  it('closes connections past maxConnections as they are accepted, on each listener, and serves the others', { timeout: 20_000 }, async (t) => {
    const { grpc, http } = await startReceiver(t, { maxConnections: 5 });
    for (const port of [grpc.port, http.port]) {
      const sockets = await openSockets(port, 8);
      t.after(() => sockets.forEach((socket) => socket.destroy()));
      const closed = await Promise.all(sockets.map((socket) => closedWithin(socket, 2000)));
      assert.deepEqual(closed, [false, false, false, false, false, true, true, true], `port ${port}`);
      sockets.forEach((socket) => socket.destroy());
    }
    // The cap counts open connections: once they are gone, new ones are served.
    await sleep(200);
    const session = await openGrpcSession(grpc);
    t.after(() => session.destroy());
    assert.equal((await rawGrpcCall(session, grpcFrame(encodeMetricsRequest(gaugeRequest(1)), false))).code, GrpcCode.OK);
  });
});

describe('OTLP/gRPC: idle and dead connections are closed', () => {
  it('closes 500 idle connections after grpcMaxConnectionIdleMs, and their descriptors with them', { timeout: 60_000 }, async (t) => {
    // Long enough to open them all and call on some on a loaded machine; the test waits for the closes, not the clock.
    const { grpc } = await startReceiver(t, { grpcMaxConnectionIdleMs: 5000, maxConnections: 1000 });
    const before = openDescriptors();
    const sessions: ClientHttp2Session[] = [];
    t.after(() => sessions.forEach((session) => session.destroy()));
    for (let batch = 0; batch < 10; batch++) sessions.push(...(await Promise.all(Array.from({ length: 50 }, () => openGrpcSession(grpc)))));
    // A call on some of them: the idle time counts from the end of the last call.
    const answers = await Promise.all(sessions.slice(0, 50).map((session) => rawGrpcCall(session, grpcFrame(encodeMetricsRequest(gaugeRequest(1)), false))));
    assert.ok(answers.every((answer) => answer.code === GrpcCode.OK));
    // Each loopback connection holds two descriptors here: the client's and the server's, once the server has accepted it.
    for (let i = 0; i < 40 && openDescriptors() - before < 1000; i++) await sleep(50);
    const open = openDescriptors() - before;
    assert.ok(open >= 1000, `${open} descriptors for 500 connections`);
    await Promise.all(sessions.map((session) => (session.closed ? undefined : once(session, 'close'))));
    await sleep(100);
    const left = openDescriptors() - before;
    assert.ok(left <= 10, `${left} descriptors still open after the idle timeout`);
  });

  it('keeps a connection whose call outlasts the idle timeout', { timeout: 10_000 }, async (t) => {
    const { consumer, grpc } = await startReceiver(t, { grpcMaxConnectionIdleMs: 100 });
    const held = gate();
    consumer.behaviour = async () => {
      await held.opened;
      return { rejectedDataPoints: 0, errorMessage: '' };
    };
    const session = await openGrpcSession(grpc);
    t.after(() => session.destroy());
    const call = rawGrpcCall(session, grpcFrame(encodeMetricsRequest(gaugeRequest(1)), false));
    await sleep(400);
    held.open();
    assert.equal((await call).code, GrpcCode.OK);
    assert.equal(session.closed, false);
  });

  it('destroys a connection that does not answer its keepalive ping', { timeout: 10_000 }, async (t) => {
    const { grpc } = await startReceiver(t, { grpcKeepaliveTimeMs: 100, grpcKeepaliveTimeoutMs: 200, grpcMaxConnectionIdleMs: 60_000 });
    // A peer that speaks the HTTP/2 preface and then goes silent, as one whose host vanished.
    const [socket] = await openSockets(grpc.port, 1);
    t.after(() => socket.destroy());
    socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    socket.write(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]));
    socket.on('data', () => undefined);
    assert.equal(await closedWithin(socket, 3000), true, 'the silent connection is still open');
  });

  it('sends GOAWAY ENHANCE_YOUR_CALM to a client that pings with no call open', { timeout: 10_000 }, async (t) => {
    const { grpc } = await startReceiver(t);
    const session = await openGrpcSession(grpc);
    t.after(() => session.destroy());
    const goaway = once(session, 'goaway') as Promise<[number, number, Buffer]>;
    for (let i = 0; i < 4; i++) await new Promise<void>((resolve) => session.ping(() => resolve()));
    const [code, , data] = await goaway;
    assert.equal(code, constants.NGHTTP2_ENHANCE_YOUR_CALM);
    assert.equal(data.toString(), 'too_many_pings');
  });
});
