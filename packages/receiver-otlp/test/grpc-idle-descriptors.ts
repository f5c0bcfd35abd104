// File descriptors of the process while many idle OTLP/gRPC connections are
// open, and after the idle timeout. Run after a build:
//   node packages/receiver-otlp/dist/test/grpc-idle-descriptors.js [connections] [idle ms]
// Client and receiver share the process: each connection the receiver keeps
// holds two descriptors here.
import { readdirSync } from 'node:fs';
import type { ClientHttp2Session } from 'node:http2';
import { OtlpReceiver } from '../src/receiver.js';
import { openGrpcSession } from './support/raw-grpc.js';
import { RecordingConsumer } from './support/recording-consumer.js';

const connections = Number(process.argv[2] ?? 2000);
const idleMs = Number(process.argv[3] ?? 1000);
const descriptors = (): number => readdirSync('/proc/self/fd').length;

const receiver = new OtlpReceiver(
  { httpListen: 'off', grpcListen: { host: '127.0.0.1', port: 0 }, maxRequestBytes: 1024 * 1024, grpcMaxConnectionIdleMs: idleMs },
  new RecordingConsumer(),
);
await receiver.start();
const address = receiver.grpcAddress!;
const before = descriptors();
const sessions: ClientHttp2Session[] = [];
let refused = 0;
for (let i = 0; i < connections; i++) {
  try {
    sessions.push(await openGrpcSession(address));
  } catch {
    refused += 1;
  }
}
await new Promise((resolve) => setTimeout(resolve, 200));
const open = descriptors();
const alive = (): number => sessions.filter((session) => !session.closed && !session.destroyed).length;
console.log(`${connections} connections tried (${refused} failed to connect); descriptors before ${before}, with them open ${open}, sessions alive ${alive()}`);
await new Promise((resolve) => setTimeout(resolve, idleMs + 2000));
console.log(`${idleMs + 2000} ms later: descriptors ${descriptors()}, sessions alive ${alive()}`);
for (const session of sessions) session.destroy();
await receiver.shutdown();
