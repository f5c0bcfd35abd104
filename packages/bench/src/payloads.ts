import { gzipSync } from 'node:zlib';
import { countDataPoints, encodeMetricsRequest, encodeMetricsRequestJson, type ExportMetricsServiceRequest } from '@otel-dp/otlp';

/** How the load reaches the system under test. */
export type Transport = 'http-protobuf' | 'http-json' | 'grpc';

export const TRANSPORTS: readonly Transport[] = ['http-protobuf', 'http-json', 'grpc'];

/** Bodies prebuilt once, sent over and over. */
export interface Payloads {
  transport: Transport;
  /** True when HTTP bodies are gzip files (gRPC: the channel compresses each message). */
  gzip: boolean;
  bodies: Buffer[];
  /** Data points in each body, in the same order. */
  points: number[];
  /** Mean bytes on the wire per request (after gzip for HTTP; before it for gRPC). */
  meanWireBytes: number;
}

/**
 * Encodes every request once for `transport`. gRPC bodies stay uncompressed
 * here because grpc-js compresses per message when asked to.
 */
export function encodePayloads(requests: readonly ExportMetricsServiceRequest[], transport: Transport, gzip: boolean): Payloads {
  const bodies = requests.map((request) => {
    const encoded = transport === 'http-json' ? Buffer.from(encodeMetricsRequestJson(request)) : Buffer.from(encodeMetricsRequest(request));
    return gzip && transport !== 'grpc' ? gzipSync(encoded) : encoded;
  });
  const points = requests.map((request) => countDataPoints(request));
  const meanWireBytes = bodies.reduce((sum, body) => sum + body.length, 0) / Math.max(1, bodies.length);
  return { transport, gzip, bodies, points, meanWireBytes };
}
