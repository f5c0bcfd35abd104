import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { ClientHttp2Session } from 'node:http2';
import { connect } from 'node:http2';
import { describe, test, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';
import { adminStatus } from '../support/admin-endpoint.js';
import { MIB, residentSetBytes, ResidentSetSampler } from '../support/process-memory.js';
import { grpcFrame, openGrpcConnection, rawGrpcExport } from '../support/raw-grpc-frames.js';
import type { RawGrpcAnswer } from '../support/raw-grpc-frames.js';
import { makeTokens } from '../support/sdk-app.js';
import { SidecarProcess } from '../support/sidecar-process.js';
import { GoodTraffic } from '../support/still-serving.js';
import { waitUntil } from '../support/wait.js';

/**
 * A hostile client's connections: gzip bombs on many OTLP/gRPC streams at
 * once, and thousands of connections left idle. The sidecar stays within a
 * memory bound and a descriptor bound set by its flags, closes what it
 * should, and keeps serving.
 */
const NEAR_NOISELESS_FLAGS = ['--window', '1s', '--epsilon', '1e9', '--clip', '*=0:1000', '--output-temporality', 'delta'];
const descriptorsOf = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;

async function startSidecar(t: TestContext, flags: string[]): Promise<SidecarProcess> {
  const sidecar = await SidecarProcess.start([...NEAR_NOISELESS_FLAGS, ...flags]);
  t.after(() => sidecar.kill());
  return sidecar;
}

/** `mebibytes` MiB of zeros, about 1 KB of gzip each: one compressed MiB repeated as gzip members (RFC 1952 §2.2). */
function gzipBomb(mebibytes: number): Buffer {
  const member = gzipSync(Buffer.alloc(MIB), { level: 9 });
  return Buffer.concat(Array.from({ length: mebibytes }, () => member));
}

/** Connects, or resolves undefined when the server closes the connection before HTTP/2 is up. */
function connectOrRefused(port: number): Promise<ClientHttp2Session | undefined> {
  return new Promise((resolve) => {
    const session = connect(`http://127.0.0.1:${port}`);
    session.on('error', () => undefined);
    session.once('connect', () => resolve(session));
    session.once('close', () => resolve(undefined));
  });
}

describe('connection abuse on OTLP/gRPC', { concurrency: true }, () => {
  test('200 streams of a gzip bomb at once: each refused at the gzip ratio, RSS within idle + 192 MiB', { timeout: 120_000 }, async (t) => {
    const STREAMS = 200;
    const BOUND_BYTES = 192 * MIB;
    const sidecar = await startSidecar(t, []);
    const good = new GoodTraffic(makeTokens(3));
    await good.assertStillServing(sidecar, 'start-up');
    const idle = residentSetBytes(sidecar.pid);
    const sessions = await Promise.all(Array.from({ length: 4 }, () => openGrpcConnection(sidecar.grpcPort)));
    t.after(() => sessions.forEach((session) => session.destroy()));
    const frame = grpcFrame(gzipBomb(16), true);
    const sampler = new ResidentSetSampler(sidecar.pid, 10);
    const answers: RawGrpcAnswer[] = await Promise.all(
      Array.from({ length: STREAMS }, (_, i) => rawGrpcExport(sessions[i % sessions.length], frame, { 'grpc-encoding': 'gzip' })),
    );
    const peak = sampler.stop();
    t.diagnostic(`idle ${(idle / MIB).toFixed(1)} MiB, peak ${(peak / MIB).toFixed(1)} MiB over ${sampler.samples} samples`);
    for (const answer of answers) {
      assert.equal(answer.code, 3, `answered ${String(answer.code)}: ${answer.message}`);
      assert.match(answer.message, /more than the limit of 100 times \(--max-gzip-ratio\)$/);
    }
    assert.ok(peak - idle <= BOUND_BYTES, `RSS grew by ${((peak - idle) / MIB).toFixed(1)} MiB`);
    await good.assertStillServing(sidecar, 'the bombs');
  });

  test('1000 idle connections, --max-connections 300 --grpc-max-connection-idle 2s: capped, then closed', { timeout: 120_000 }, async (t) => {
    const CONNECTIONS = 1000;
    const CAP = 300;
    const sidecar = await startSidecar(t, ['--max-connections', String(CAP), '--grpc-max-connection-idle', '2s']);
    const good = new GoodTraffic(makeTokens(3));
    await good.assertStillServing(sidecar, 'start-up');
    const base = descriptorsOf(sidecar.pid);
    const sessions: ClientHttp2Session[] = [];
    t.after(() => sessions.forEach((session) => session.destroy()));
    let refused = 0;
    for (let i = 0; i < CONNECTIONS; i++) {
      const session = await connectOrRefused(sidecar.grpcPort);
      if (session === undefined) refused += 1;
      else sessions.push(session);
    }
    const open = (session: ClientHttp2Session): boolean => !session.closed && !session.destroyed;
    const alive = (): number => sessions.filter(open).length;
    // Connections accepted past the cap are closed at once, but not all of those closes may have reached us yet. One
    // that goes idle from now on (GOAWAY) was open when the last was accepted, so it still counts against the cap.
    const wentIdle = new Set<ClientHttp2Session>();
    for (const session of sessions) session.once('goaway', () => wentIdle.add(session));
    const kept = (): number => sessions.filter((session) => wentIdle.has(session) || open(session)).length;
    let keptCount = kept();
    await waitUntil(() => (keptCount = kept()) <= CAP, { what: () => `at most ${CAP} connections kept (${keptCount})`, timeoutMillis: 5_000 });
    const held = descriptorsOf(sidecar.pid) - base;
    t.diagnostic(`descriptors: base ${base}, +${held} with ${CONNECTIONS} connections tried (${refused} refused at connect, ${keptCount} kept, ${alive()} alive)`);
    assert.ok(held <= CAP + 10, `${held} descriptors held for the connections`);
    assert.equal(await adminStatus(sidecar.adminUrl, '/healthz'), 200);
    await good.assertStillServing(sidecar, 'the connections were opened');
    await waitUntil(() => alive() === 0, { what: () => `the idle connections to be closed (${alive()} still open)`, timeoutMillis: 10_000 });
    // The sidecar may release a descriptor after its client has seen the close.
    let left = descriptorsOf(sidecar.pid) - base;
    await waitUntil(() => (left = descriptorsOf(sidecar.pid) - base) <= 10, { what: () => `the descriptors to be released (${left} still held)`, timeoutMillis: 5_000 });
    t.diagnostic(`after the idle timeout: +${left} descriptors`);
    await good.assertStillServing(sidecar, 'the idle connections were closed');
  });
});
