import type { TestContext } from 'node:test';
import { Client, Metadata, credentials } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import {
  TRACES_EXPORT_GRPC_PATH,
  decodeTraceResponse,
  SpanKind,
  type ExportTraceServiceRequest,
  type ExportTraceServiceResponse,
  type KeyValue,
  type Span,
} from '@otel-dp/otlp';
import { type TraceConsumeResult, type TraceConsumer } from '@otel-dp/pipeline';
import type { OtlpReceiverConfig } from '../../src/config.js';
import { OtlpReceiver } from '../../src/receiver.js';
import { LOOPBACK_ANY_PORT, type RunningReceiver } from './harness.js';
import { RecordingConsumer, RecordingLogger } from './recording-consumer.js';
import { attribute } from './requests.js';

/** A trace consumer that keeps every request it is handed and answers as told. */
export class RecordingTraceConsumer implements TraceConsumer {
  readonly requests: ExportTraceServiceRequest[] = [];

  /** @param spanAttributes What it says it reads of each span; undefined: whole spans. */
  constructor(readonly spanAttributes?: readonly string[]) {}

  behaviour: (request: ExportTraceServiceRequest) => Promise<TraceConsumeResult> = async () => ({ rejectedSpans: 0, errorMessage: '' });

  consume(request: ExportTraceServiceRequest): Promise<TraceConsumeResult> {
    this.requests.push(request);
    return this.behaviour(request);
  }

  returns(result: TraceConsumeResult): void {
    this.behaviour = async () => result;
  }

  throws(error: unknown): void {
    this.behaviour = async () => {
      throw error;
    };
  }
}

export interface RunningTraceReceiver extends RunningReceiver {
  traces: RecordingTraceConsumer;
}

/** A receiver serving metrics and traces on loopback, shut down when the test ends; its trace consumer reads `spanAttributes`. */
export async function startTraceReceiver(t: TestContext, config: Partial<OtlpReceiverConfig> = {}, spanAttributes?: readonly string[]): Promise<RunningTraceReceiver> {
  const consumer = new RecordingConsumer();
  const traces = new RecordingTraceConsumer(spanAttributes);
  const logger = new RecordingLogger();
  const receiver = new OtlpReceiver(
    { httpListen: LOOPBACK_ANY_PORT, grpcListen: LOOPBACK_ANY_PORT, maxRequestBytes: 1024 * 1024, ...config },
    consumer,
    { logger, shutdownTimeoutMillis: 1000, traceConsumer: traces },
  );
  t.after(() => receiver.shutdown());
  await receiver.start();
  return { receiver, consumer, traces, logger, http: receiver.httpAddress!, grpc: receiver.grpcAddress! };
}

export const SECRET_TOKEN = 'tok-7f3a9c-secret';

/** A server span of `ms` milliseconds carrying the token; `i` tells spans apart. */
export function serverSpan(i: number, ms = 12, attributes: KeyValue[] = []): Span {
  const start = 1_700_000_000_000_000_000n + BigInt(i) * 1_000_000_000n;
  return {
    traceId: Uint8Array.from({ length: 16 }, (_, j) => (i * 13 + j + 1) & 0xff),
    spanId: Uint8Array.from({ length: 8 }, (_, j) => (i * 7 + j + 1) & 0xff),
    name: `GET /r/${i % 3}`,
    kind: SpanKind.SERVER,
    startTimeUnixNano: start,
    endTimeUnixNano: start + BigInt(ms) * 1_000_000n,
    attributes: [attribute('api.token', SECRET_TOKEN), attribute('http.route', `/r/${i % 3}`), ...attributes],
    statusCode: 0,
  };
}

/** A request of `spans` server spans under one resource and scope. */
export function traceRequest(spans: number | Span[]): ExportTraceServiceRequest {
  const list = typeof spans === 'number' ? Array.from({ length: spans }, (_, i) => serverSpan(i)) : spans;
  return {
    resourceSpans: [
      {
        resource: { attributes: [attribute('service.name', 'checkout')], droppedAttributesCount: 0 },
        scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.223.0', attributes: [], droppedAttributesCount: 0 }, spans: list }],
      },
    ],
  };
}

export type GrpcTraceAnswer = { response: ExportTraceServiceResponse } | { error: ServiceError };

/** One TraceService/Export call with raw request bytes, on a channel of its own. */
export function callGrpcTraceExport(port: number, body: Uint8Array, options: { gzip?: boolean; method?: string } = {}): Promise<GrpcTraceAnswer> {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), { 'grpc.default_compression_algorithm': options.gzip === true ? 2 : 0 });
  return new Promise<GrpcTraceAnswer>((resolve) => {
    client.makeUnaryRequest(
      options.method ?? TRACES_EXPORT_GRPC_PATH,
      (bytes: Uint8Array) => Buffer.from(bytes),
      (bytes: Buffer) => decodeTraceResponse(bytes),
      body,
      new Metadata(),
      { deadline: Date.now() + 10_000 },
      (error, response) => {
        client.close();
        resolve(error !== null ? { error } : { response: response ?? {} });
      },
    );
  });
}

export function grpcFailure(answer: GrpcTraceAnswer): ServiceError {
  if ('error' in answer) return answer.error;
  throw new Error('expected a failed call, got a response');
}

export function grpcSuccess(answer: GrpcTraceAnswer): ExportTraceServiceResponse {
  if ('response' in answer) return answer.response;
  throw new Error(`expected success, got code ${answer.error.code}: ${answer.error.details}`);
}
