import { Client, Metadata, credentials } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { METRICS_EXPORT_GRPC_PATH, decodeMetricsResponse } from '@otel-dp/otlp';
import type { ExportMetricsServiceResponse } from '@otel-dp/otlp';
import type { ListenAddress } from '../../src/config.js';
import type { ClientTls } from './http-client.js';

export type GrpcAnswer = { response: ExportMetricsServiceResponse } | { error: ServiceError };

const CALL_DEADLINE_MS = 10_000;
/** grpc-js's number for gzip in `grpc.default_compression_algorithm`. */
const GZIP = 2;

/** One MetricsService/Export call with raw request bytes, on a channel of its own, over TLS when `tls` is given. */
export function callGrpcExport(address: ListenAddress, body: Uint8Array, options: { gzip?: boolean; tls?: ClientTls } = {}): Promise<GrpcAnswer> {
  const { tls } = options;
  const channelCredentials = tls === undefined ? credentials.createInsecure() : credentials.createSsl(tls.ca, tls.key ?? null, tls.cert ?? null);
  const client = new Client(`127.0.0.1:${address.port}`, channelCredentials, {
    'grpc.default_compression_algorithm': options.gzip === true ? GZIP : 0,
  });
  return new Promise<GrpcAnswer>((resolve) => {
    client.makeUnaryRequest(
      METRICS_EXPORT_GRPC_PATH,
      (bytes: Uint8Array) => Buffer.from(bytes),
      (bytes: Buffer) => decodeMetricsResponse(bytes),
      body,
      new Metadata(),
      { deadline: Date.now() + CALL_DEADLINE_MS },
      (error, response) => {
        client.close();
        if (error !== null) resolve({ error });
        else resolve({ response: response ?? {} });
      },
    );
  });
}

/** The error of an answer that must have failed. */
export function failure(answer: GrpcAnswer): ServiceError {
  if ('error' in answer) return answer.error;
  throw new Error(`expected a failed call, got ${JSON.stringify(answer.response, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
}

/** The response of an answer that must have succeeded. */
export function success(answer: GrpcAnswer): ExportMetricsServiceResponse {
  if ('response' in answer) return answer.response;
  throw new Error(`expected success, got code ${answer.error.code}: ${answer.error.details}`);
}
