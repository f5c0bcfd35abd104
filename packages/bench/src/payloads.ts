import { gzipSync } from 'node:zlib';
import { countDataPoints, encodeMetricsRequest, encodeMetricsRequestJson, type ExportMetricsServiceRequest } from '@otel-dp/otlp';

/** How the load reaches the system under test. */
export type Transport = 'http-protobuf' | 'http-json' | 'grpc';

export const TRANSPORTS: readonly Transport[] = ['http-protobuf', 'http-json', 'grpc'];

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
}

/**
 * Encodes every request once for `transport`, gzipped when asked. A gRPC
 * body is the length-prefixed message of the gRPC wire format, flagged as
 * compressed when it is, so the load generator sends it as it is.
 */
export function encodePayloads(requests: readonly ExportMetricsServiceRequest[], transport: Transport, gzip: boolean): Payloads {
  const bodies = requests.map((request) => {
    const encoded = transport === 'http-json' ? Buffer.from(encodeMetricsRequestJson(request)) : Buffer.from(encodeMetricsRequest(request));
    const body = gzip ? gzipSync(encoded) : encoded;
    return transport === 'grpc' ? grpcMessage(body, gzip) : body;
  });
  const points = requests.map((request) => countDataPoints(request));
  const meanWireBytes = bodies.reduce((sum, body) => sum + body.length, 0) / Math.max(1, bodies.length);
  return { transport, gzip, bodies, points, meanWireBytes };
}

/** A gRPC length-prefixed message: compressed flag, length (big-endian), bytes. */
export function grpcMessage(bytes: Buffer, compressed: boolean): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt8(compressed ? 1 : 0, 0);
  prefix.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([prefix, bytes]);
}
