import { gzipSync } from 'node:zlib';
import { countDataPoints, encodeMetricsRequest, encodeMetricsRequestJson, type ExportMetricsServiceRequest } from '@otel-dp/otlp';
import { TIME_UNIX_NANO } from './workload.js';

/** How the load reaches the system under test; `http-protobuf-spans` sends trace requests (see `span-workload.ts`). */
export type Transport = 'http-protobuf' | 'http-json' | 'grpc' | 'http-protobuf-spans';

export const TRANSPORTS: readonly Transport[] = ['http-protobuf', 'http-json', 'grpc', 'http-protobuf-spans'];
/** The transports of metrics requests, which {@link encodePayloads} builds. */
export type MetricsTransport = Exclude<Transport, 'http-protobuf-spans'>;
export const METRICS_TRANSPORTS: readonly MetricsTransport[] = ['http-protobuf', 'http-json', 'grpc'];

/** Bodies prebuilt once, sent over and over. */
export interface Payloads {
  transport: Transport;
  /** True when the bodies (gRPC: the messages) are gzipped. */
  gzip: boolean;
  bodies: Buffer[];
  /** Data points in each body, in the same order. */
  points: number[];
  /** Mean bytes on the wire per request, after gzip. */
  meanWireBytes: number;
  /** Per body, where each point's time is written; empty for gzipped bodies, whose bytes cannot be changed. */
  timeOffsets: number[][];
  /** Per body, how many times it has been sent: each send moves its points' time one second further. */
  sends: number[];
  /** Per body, copies back from earlier sends, to be stamped again rather than allocated. */
  spares: Buffer[][];
}

/** How far each resend of a body moves its points' time. */
const RESEND_STEP_NANOS = 1_000_000_000n;

/**
 * Encodes every request once for `transport`, gzipped when asked. A gRPC
 * body is the length-prefixed message of the gRPC wire format, flagged as
 * compressed when it is, so the load generator sends it as it is.
 */
export function encodePayloads(requests: readonly ExportMetricsServiceRequest[], transport: MetricsTransport, gzip: boolean): Payloads {
  const bodies = requests.map((request) => {
    const encoded = transport === 'http-json' ? Buffer.from(encodeMetricsRequestJson(request)) : Buffer.from(encodeMetricsRequest(request));
    const body = gzip ? gzipSync(encoded) : encoded;
    return transport === 'grpc' ? grpcMessage(body, gzip) : body;
  });
  const points = requests.map((request) => countDataPoints(request));
  const meanWireBytes = bodies.reduce((sum, body) => sum + body.length, 0) / Math.max(1, bodies.length);
  const timeOffsets = bodies.map((body) => (gzip ? [] : timeOffsetsIn(body, transport)));
  return { transport, gzip, bodies, points, meanWireBytes, timeOffsets, sends: bodies.map(() => 0), spares: bodies.map(() => []) };
}

/**
 * Body `index` for its next send: a copy whose points carry a time one
 * second later than at its last send, so a cumulative point is a new
 * observation of its stream (as an SDK's next export is) rather than a
 * duplicate the processor drops. Gzipped bodies go out as built. Hand the
 * body back with {@link releaseBody} once its request is answered.
 */
export function nextBody(payloads: Payloads, index: number): Buffer {
  const offsets = payloads.timeOffsets[index];
  const built = payloads.bodies[index];
  if (offsets.length === 0) return built;
  // Only the times differ between copies, and every one of them is written below.
  const body = payloads.spares[index].pop() ?? Buffer.from(built);
  const time = TIME_UNIX_NANO + BigInt(++payloads.sends[index]) * RESEND_STEP_NANOS;
  // The time's bytes once, then copied to every point: 30 µs a body, against 82 for a bigint write per point.
  const stamp = payloads.transport === 'http-json' ? Buffer.from(time.toString(), 'latin1') : Buffer.alloc(8);
  if (payloads.transport !== 'http-json') stamp.writeBigUInt64LE(time);
  for (const offset of offsets) for (let b = 0; b < stamp.length; b++) body[offset + b] = stamp[b];
  return body;
}

/**
 * Takes back a body of {@link nextBody} whose request is over, for a later
 * send: with a fresh 205 KB copy per request the generator needed twice the
 * CPU for gRPC (0.48 of a core against 0.24).
 */
export function releaseBody(payloads: Payloads, index: number, body: Buffer): void {
  if (body !== payloads.bodies[index]) payloads.spares[index].push(body);
}

/**
 * Where the time of each point is in an encoded body: the bytes of
 * TIME_UNIX_NANO after a `time_unix_nano` tag (field 3, fixed64: 0x19), or
 * inside `"timeUnixNano":"…"` in OTLP/JSON. The JSON decimal keeps its 19
 * digits for any time the sends reach.
 */
function timeOffsetsIn(body: Buffer, transport: MetricsTransport): number[] {
  const time = Buffer.alloc(8);
  time.writeBigUInt64LE(TIME_UNIX_NANO);
  const pattern = transport === 'http-json' ? Buffer.from(`"timeUnixNano":"${TIME_UNIX_NANO}"`) : Buffer.concat([Buffer.from([0x19]), time]);
  const skip = transport === 'http-json' ? '"timeUnixNano":"'.length : 1;
  const offsets: number[] = [];
  for (let at = body.indexOf(pattern); at !== -1; at = body.indexOf(pattern, at + pattern.length)) offsets.push(at + skip);
  return offsets;
}

/** A gRPC length-prefixed message: compressed flag, length (big-endian), bytes. */
function grpcMessage(bytes: Buffer, compressed: boolean): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt8(compressed ? 1 : 0, 0);
  prefix.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([prefix, bytes]);
}
