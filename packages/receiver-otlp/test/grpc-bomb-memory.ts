// Resident memory of the receiver while gRPC gzip bombs arrive on many
// streams at once. Run after a build:
//   node --expose-gc packages/receiver-otlp/dist/test/grpc-bomb-memory.js [streams] [connections] [MiB of zeros]
// The default bomb is 16 MiB of zeros in about 17 KB of gzip, the default
// maxRequestBytes; every call must be refused.
import { DEFAULT_MAX_REQUEST_BYTES } from '../src/config.js';
import { OtlpReceiver } from '../src/receiver.js';
import { gzipBomb } from './support/gzip-bomb.js';
import { grpcFrame, openGrpcSession, rawGrpcCall } from './support/raw-grpc.js';
import { RecordingConsumer } from './support/recording-consumer.js';

const streams = Number(process.argv[2] ?? 200);
const connections = Number(process.argv[3] ?? 4);
const bombMebibytes = Number(process.argv[4] ?? DEFAULT_MAX_REQUEST_BYTES / 2 ** 20);
const SAMPLE_MS = 10;
/** Inflating 200 bombs whole took a gRPC library tens of seconds on one core. */
const CALL_TIMEOUT_MS = 300_000;

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const receiver = new OtlpReceiver(
  { httpListen: 'off', grpcListen: { host: '127.0.0.1', port: 0 }, maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES },
  new RecordingConsumer(),
);
await receiver.start();
const address = receiver.grpcAddress!;
const bomb = gzipBomb(bombMebibytes);
const frame = grpcFrame(bomb, true);

await settle();
const before = process.memoryUsage().rss;
let peak = before;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, SAMPLE_MS);

const sessions = await Promise.all(Array.from({ length: connections }, () => openGrpcSession(address)));
const started = performance.now();
const answers = await Promise.all(
  Array.from({ length: streams }, (_, i) => rawGrpcCall(sessions[i % connections], frame, { 'grpc-encoding': 'gzip' }, CALL_TIMEOUT_MS)),
);
const elapsed = performance.now() - started;
clearInterval(sampler);
for (const session of sessions) session.close();
await settle();
const after = process.memoryUsage().rss;

const tally = new Map<string, number>();
for (const answer of answers) {
  const key = answer.code === undefined ? `reset ${answer.rstCode}` : `${answer.code} ${answer.message.slice(0, 90)}`;
  tally.set(key, (tally.get(key) ?? 0) + 1);
}
// Absent from receivers that predate the in-flight budget, so the same script measures both.
const inflight = (receiver as { inflight?: { peakBytes: number; bytes: number } }).inflight;
console.log(`${streams} streams over ${connections} connections, bomb ${bomb.length} bytes (${bombMebibytes} MiB of zeros), ${elapsed.toFixed(0)} ms`);
console.log(`rss before ${mib(before)}, peak ${mib(peak)}, after ${mib(after)}`);
if (inflight !== undefined) console.log(`in-flight bytes counted: peak ${inflight.peakBytes}, now ${inflight.bytes}`);
for (const [key, count] of tally) console.log(`${count} × ${key}`);
await receiver.shutdown();
