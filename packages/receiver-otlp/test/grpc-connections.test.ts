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
import { waitFor } from '@otel-dp/pipeline/testing';
import { startReceiver } from './support/harness.js';
import { grpcFrame, openGrpcSession, rawGrpcCall } from './support/raw-grpc.js';
import { gate } from './support/recording-consumer.js';
import { gaugeRequest } from './support/requests.js';

const openDescriptors = (): number => readdirSync('/proc/self/fd').length;
const ping = (session: ClientHttp2Session): Promise<void> => new Promise((resolve, reject) => session.ping((error) => (error ? reject(error) : resolve())));

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

/** Whether the server answers `socket` (sends it bytes) or closes it unanswered; 'neither' after `ms`. */
function answeredOrClosed(socket: Socket, ms: number): Promise<'answered' | 'closed' | 'neither'> {
  if (socket.destroyed) return Promise.resolve('closed');
  return new Promise((resolve) => {
    const settle = (outcome: 'answered' | 'closed' | 'neither'): void => {
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => settle('neither'), ms);
    socket.once('data', () => settle('answered'));
    socket.once('close', () => settle('closed'));
  });
}

/** An HTTP/2 connection the server serves (sends its SETTINGS), or undefined when the server closes it first. */
function servedSession(port: number): Promise<ClientHttp2Session | undefined> {
  return new Promise((resolve) => {
    const session = connect(`http://127.0.0.1:${port}`);
    session.on('error', () => undefined);
    session.once('remoteSettings', () => resolve(session));
    session.once('close', () => resolve(undefined));
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
    await waitFor(() => consumer.requests.length === 2, 'two calls in the consumer');
    // The ping is answered after the server has read every frame sent before it, so a third call let through would be in by then.
    await ping(session);
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
      // A gRPC connection served gets the server's SETTINGS unasked; an HTTP one, the answer to a request.
      if (port === http.port) sockets.forEach((socket) => socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
      const outcomes = await Promise.all(sockets.map((socket) => answeredOrClosed(socket, 5000)));
      assert.deepEqual(outcomes, ['answered', 'answered', 'answered', 'answered', 'answered', 'closed', 'closed', 'closed'], `port ${port}`);
      sockets.forEach((socket) => socket.destroy());
    }
    // The cap counts open connections: once the server has seen them go, a new one is served.
    let session: ClientHttp2Session | undefined;
    t.after(() => session?.destroy());
    await waitFor(async () => (session = await servedSession(grpc.port)) !== undefined, 'a new connection to be served once the others are closed');
    assert.equal((await rawGrpcCall(session!, grpcFrame(encodeMetricsRequest(gaugeRequest(1)), false))).code, GrpcCode.OK);
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
    let open = 0;
    await waitFor(() => (open = openDescriptors() - before) >= 1000, () => `1000 descriptors for 500 connections (${open})`, 2000);
    await Promise.all(sessions.map((session) => (session.closed ? undefined : once(session, 'close'))));
    // The server may release its descriptor after the client has seen the close.
    let left = 0;
    await waitFor(() => (left = openDescriptors() - before) <= 10, () => `the descriptors to be released after the idle timeout (${left} still open)`, 2000);
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
    await waitFor(() => consumer.requests.length === 1, 'the call in the consumer');
    // Opened after the call, with none of its own: once the idle timeout has closed it, it would have closed the busy one before.
    const idle = await openGrpcSession(grpc);
    t.after(() => idle.destroy());
    await waitFor(() => idle.closed, 'the idle timeout to close a connection without calls');
    assert.equal(session.closed, false, 'the connection was closed while its call was open');
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
