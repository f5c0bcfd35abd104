import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import {
  decodeMetricsResponse,
  decodeRetryInfo,
  decodeRpcStatus,
  decodeRpcStatusJson,
  decodeTraceResponse,
  METRICS_EXPORT_GRPC_PATH,
  RETRY_INFO_TYPE_URL,
  TRACES_EXPORT_GRPC_PATH,
  type ExportMetricsServiceResponse,
  type ExportTraceServiceResponse,
} from '@otel-dp/otlp';

/** How long one raw request may take before the test gives up on it. */
const REQUEST_TIMEOUT_MILLIS = 15_000;

/** An HTTP answer as it came, for requests no OTLP client would send. */
export interface RawHttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RawHttpRequest {
  /** Default POST. */
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

/**
 * Sends exactly the given method, headers and body with node:http (fetch
 * would fix up headers and refuse some), and reads the whole answer. A
 * server that answers before reading the whole body (413) and closes the
 * connection still yields its answer: write errors after the response
 * has started are ignored.
 */
export function sendHttp(url: string, request: RawHttpRequest): Promise<RawHttpAnswer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(url, { method: request.method ?? 'POST', headers: request.headers ?? {}, timeout: REQUEST_TIMEOUT_MILLIS }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${REQUEST_TIMEOUT_MILLIS} ms`)));
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.end(request.body === undefined ? undefined : Buffer.from(request.body));
  });
}

/**
 * The message of an error answer: a google.rpc.Status in protobuf or JSON
 * (by the answer's content type), or plain text as is.
 */
export function answerMessage(answer: RawHttpAnswer): string {
  const type = String(answer.headers['content-type'] ?? '');
  if (type.startsWith('application/x-protobuf')) return decodeRpcStatus(answer.body).message;
  if (type.startsWith('application/json')) return decodeRpcStatusJson(answer.body.toString('utf8')).message;
  return answer.body.toString('utf8');
}

/** What a gRPC Export call came back with. */
export interface GrpcAnswer<Response = ExportMetricsServiceResponse> {
  code: grpc.status;
  details: string;
  /** `google.rpc.RetryInfo.retry_delay` from `grpc-status-details-bin`, in seconds; undefined when absent. */
  retryDelaySeconds: number | undefined;
  /** The decoded response on OK. */
  response: Response | undefined;
}

/**
 * Calls MetricsService/Export at `target` (`127.0.0.1:PORT`) with `message`
 * as the serialized request, whatever it holds, so malformed and oversized
 * messages reach the server as sent.
 */
export function grpcExportBytes(target: string, message: Uint8Array): Promise<GrpcAnswer> {
  return grpcUnaryBytes(target, METRICS_EXPORT_GRPC_PATH, message, decodeMetricsResponse);
}

/** {@link grpcExportBytes} for TraceService/Export. */
export function grpcTraceExportBytes(target: string, message: Uint8Array): Promise<GrpcAnswer<ExportTraceServiceResponse>> {
  return grpcUnaryBytes(target, TRACES_EXPORT_GRPC_PATH, message, decodeTraceResponse);
}

function grpcUnaryBytes<Response>(target: string, path: string, message: Uint8Array, decode: (bytes: Uint8Array) => Response): Promise<GrpcAnswer<Response>> {
  const client = new grpc.Client(target, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': -1 });
  const identity = (bytes: Buffer): Buffer => bytes;
  return new Promise<GrpcAnswer<Response>>((resolve) => {
    client.makeUnaryRequest(
      path,
      identity,
      identity,
      Buffer.from(message),
      new grpc.Metadata(),
      { deadline: Date.now() + REQUEST_TIMEOUT_MILLIS },
      (error: grpc.ServiceError | null, value?: Buffer) => {
        if (error === null) {
          resolve({ code: grpc.status.OK, details: '', retryDelaySeconds: undefined, response: decode(value ?? Buffer.alloc(0)) });
          return;
        }
        resolve({ code: error.code, details: error.details, retryDelaySeconds: retryDelayOf(error.metadata), response: undefined });
      },
    );
  }).finally(() => client.close());
}

function retryDelayOf(metadata: grpc.Metadata | undefined): number | undefined {
  const [bin] = metadata?.get('grpc-status-details-bin') ?? [];
  if (bin === undefined || typeof bin === 'string') return undefined;
  const detail = decodeRpcStatus(bin).details.find((any) => any.typeUrl === RETRY_INFO_TYPE_URL);
  return detail === undefined ? undefined : retryInfoDelaySeconds(detail.value);
}

/** `retry_delay` of a google.rpc.RetryInfo in seconds; 0 when it is absent. */
export function retryInfoDelaySeconds(bytes: Uint8Array): number {
  const delay = decodeRetryInfo(bytes).retryDelay;
  return delay === undefined ? 0 : delay.seconds + delay.nanos / 1e9;
}
