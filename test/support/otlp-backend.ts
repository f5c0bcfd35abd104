import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import {
  decodeMetricsRequest,
  decodeMetricsRequestJson,
  encodeMetricsResponse,
  encodeMetricsResponseJson,
  METRICS_EXPORT_GRPC_PATH,
  METRICS_EXPORT_PATH,
  type ExportMetricsServiceRequest,
  type ExportMetricsServiceResponse,
} from '@otel-dp/otlp';
import { waitUntil, type WaitOptions } from './wait.js';

/** One export request the backend accepted, with its bytes as they arrived and decompressed. */
export interface ReceivedExport {
  transport: 'http/protobuf' | 'http/json' | 'grpc';
  /** The body as it came off the wire (still gzipped when the sender compressed it). */
  wireBytes: Buffer;
  /** The encoded request after decompression. */
  bytes: Buffer;
  request: ExportMetricsServiceRequest;
  /** HTTP headers or gRPC metadata keys, lower-case. */
  headers: Record<string, string>;
}

/**
 * How the backend answers, while set, instead of accepting: `reset` reads the
 * request and then drops the connection (as a backend that crashes or is
 * unreachable mid-request), `status` answers an HTTP status (gRPC: a status
 * code) with a plain-text message.
 */
export type BackendFault = { kind: 'reset' } | { kind: 'status'; httpStatus: number; grpcCode: grpc.status; message: string };

/** Refuses anything larger, so a runaway sender cannot exhaust the test's memory. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * A real OTLP metrics backend on loopback: HTTP `POST /v1/metrics` (protobuf
 * or JSON, optionally gzip) and gRPC `MetricsService/Export`, both on ports
 * the OS picks. It records every request it decodes and every one it could
 * not (in {@link OtlpBackend.failures}), and answers full success, or, while
 * {@link OtlpBackend.fault} is set, refuses as it says.
 */
export class OtlpBackend {
  readonly received: ReceivedExport[] = [];
  /** Why requests were refused; a correct sender leaves this empty. */
  readonly failures: string[] = [];
  /** Requests decoded but answered with {@link OtlpBackend.fault} (not in `received`). */
  readonly refused: ReceivedExport[] = [];
  /** While set, every decodable request is refused this way and kept in `refused`. */
  fault: BackendFault | undefined;
  private readonly http: Server;
  private readonly grpcServer: grpc.Server;
  private httpPortValue = 0;
  private grpcPortValue = 0;

  private constructor() {
    this.http = createServer((req, res) => void this.handleHttp(req, res));
    this.grpcServer = new grpc.Server();
  }

  static async start(): Promise<OtlpBackend> {
    const backend = new OtlpBackend();
    await backend.listen();
    return backend;
  }

  get httpPort(): number {
    return this.httpPortValue;
  }

  get grpcPort(): number {
    return this.grpcPortValue;
  }

  /** The URL a sender of `protocol` should export to. */
  endpoint(protocol: 'grpc' | 'http/protobuf' | 'http/json'): string {
    return protocol === 'grpc' ? `http://127.0.0.1:${this.grpcPort}` : `http://127.0.0.1:${this.httpPort}${METRICS_EXPORT_PATH}`;
  }

  get requests(): ExportMetricsServiceRequest[] {
    return this.received.map((r) => r.request);
  }

  /** Bounded wait until `condition` holds over what has been received. */
  async waitFor(condition: (backend: OtlpBackend) => boolean, options: WaitOptions): Promise<void> {
    await waitUntil(() => condition(this), options);
  }

  /** Requests whose headers, wire bytes or decompressed bytes contain `text` (UTF-8), for leak checks. */
  requestsContaining(text: string): ReceivedExport[] {
    const needle = Buffer.from(text, 'utf8');
    return this.received.filter(
      (r) => r.bytes.includes(needle) || r.wireBytes.includes(needle) || Object.entries(r.headers).some(([k, v]) => k.includes(text) || v.includes(text)),
    );
  }

  async close(): Promise<void> {
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    await new Promise<void>((resolve) => {
      // A graceful stop waits for open calls; after a second, cut them.
      const timer = setTimeout(() => this.grpcServer.forceShutdown(), 1000);
      this.grpcServer.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(0, '127.0.0.1', () => resolve());
    });
    this.httpPortValue = (this.http.address() as AddressInfo).port;

    this.grpcServer.addService(grpcMetricsService(), { Export: this.handleGrpcExport });
    this.grpcPortValue = await new Promise<number>((resolve, reject) => {
      this.grpcServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      );
    });
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || req.url !== METRICS_EXPORT_PATH) {
      this.failures.push(`${req.method ?? '?'} ${req.url ?? '?'}: not POST ${METRICS_EXPORT_PATH}`);
      res.writeHead(404).end();
      return;
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim();
    const json = contentType === 'application/json';
    try {
      if (!json && contentType !== 'application/x-protobuf') throw new Error(`unsupported content-type "${contentType}"`);
      const wireBytes = await readBody(req);
      const encoding = req.headers['content-encoding'];
      if (encoding !== undefined && encoding !== 'gzip' && encoding !== 'identity') throw new Error(`unsupported content-encoding "${encoding}"`);
      const bytes = encoding === 'gzip' ? gunzipSync(wireBytes) : wireBytes;
      const request = json ? decodeMetricsRequestJson(bytes.toString('utf8')) : decodeMetricsRequest(bytes);
      const received: ReceivedExport = { transport: json ? 'http/json' : 'http/protobuf', wireBytes, bytes, request, headers: flatHeaders(req) };
      const fault = this.fault;
      if (fault !== undefined) {
        this.refused.push(received);
        if (fault.kind === 'reset') req.socket.destroy();
        else res.writeHead(fault.httpStatus, { 'content-type': 'text/plain' }).end(fault.message);
        return;
      }
      this.received.push(received);
      const response: ExportMetricsServiceResponse = {};
      res.writeHead(200, { 'content-type': contentType });
      res.end(json ? encodeMetricsResponseJson(response) : encodeMetricsResponse(response));
    } catch (error) {
      this.failures.push(`HTTP ${contentType}: ${String(error)}`);
      res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
    }
  }

  private readonly handleGrpcExport = (
    call: grpc.ServerUnaryCall<DecodedGrpcRequest, ExportMetricsServiceResponse>,
    callback: grpc.sendUnaryData<ExportMetricsServiceResponse>,
  ): void => {
    const { bytes, request, error } = call.request;
    if (request === undefined) {
      this.failures.push(`gRPC: ${error}`);
      callback({ code: grpc.status.INVALID_ARGUMENT, details: error });
      return;
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(call.metadata.getMap())) headers[key] = String(value);
    // grpc-js hands the deserializer the message already decompressed.
    const received: ReceivedExport = { transport: 'grpc', wireBytes: bytes, bytes, request, headers };
    const fault = this.fault;
    if (fault !== undefined) {
      this.refused.push(received);
      // A single call cannot drop the shared HTTP/2 connection; UNAVAILABLE is what a client sees when it does.
      callback(fault.kind === 'reset' ? { code: grpc.status.UNAVAILABLE, details: 'connection reset' } : { code: fault.grpcCode, details: fault.message });
      return;
    }
    this.received.push(received);
    callback(null, {});
  };
}

/** What the gRPC deserializer hands the handler: the bytes, and the request or why it did not decode. */
interface DecodedGrpcRequest {
  bytes: Buffer;
  request: ExportMetricsServiceRequest | undefined;
  error: string;
}

function decodeGrpcRequest(bytes: Buffer): DecodedGrpcRequest {
  const copy = Buffer.from(bytes);
  try {
    return { bytes: copy, request: decodeMetricsRequest(copy), error: '' };
  } catch (error) {
    return { bytes: copy, request: undefined, error: String(error) };
  }
}

function grpcMetricsService(): grpc.ServiceDefinition {
  return {
    Export: {
      path: METRICS_EXPORT_GRPC_PATH,
      requestStream: false,
      responseStream: false,
      requestSerialize: (value: DecodedGrpcRequest) => value.bytes,
      requestDeserialize: decodeGrpcRequest,
      responseSerialize: (value: ExportMetricsServiceResponse) => Buffer.from(encodeMetricsResponse(value)),
      responseDeserialize: (): ExportMetricsServiceResponse => ({}),
    },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
