import { Metadata, Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition } from '@grpc/grpc-js';
import {
  decodeMetricsRequest,
  encodeMetricsResponse,
  METRICS_EXPORT_GRPC_PATH,
  type ExportMetricsServiceRequest,
  type ExportMetricsServiceResponse,
} from '@otel-dp/otlp';

export interface ReceivedCall {
  request: ExportMetricsServiceRequest;
  metadata: Metadata;
  /** performance.now() at arrival. */
  at: number;
}

/** What the server does with the n-th call (0-based): answer OK, or fail with a status. */
export type GrpcScript = (index: number) =>
  | { ok: true; delayMillis?: number; response?: ExportMetricsServiceResponse }
  | { ok: false; code: number; details: string; trailer?: Metadata };

/** The Export method, described by hand with our codec (no proto-loader). */
const METRICS_SERVICE: ServiceDefinition = {
  Export: {
    path: METRICS_EXPORT_GRPC_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: () => Buffer.alloc(0), // client side, unused by a server
    requestDeserialize: (bytes: Buffer) => decodeMetricsRequest(bytes),
    responseSerialize: (response: ExportMetricsServiceResponse) => Buffer.from(encodeMetricsResponse(response)),
    responseDeserialize: () => ({}), // client side, unused by a server
  },
};

/** A real grpc-js server with the OTLP metrics Export method on 127.0.0.1 and an OS-chosen port. */
export class OtlpGrpcTestServer {
  readonly received: ReceivedCall[] = [];
  private readonly server = new Server();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly script: GrpcScript = () => ({ ok: true })) {
    this.server.addService(METRICS_SERVICE, {
      Export: (call: ServerUnaryCall<ExportMetricsServiceRequest, ExportMetricsServiceResponse>, callback: sendUnaryData<ExportMetricsServiceResponse>) => this.handle(call, callback),
    });
  }

  /** Starts listening; resolves to the endpoint, `http://127.0.0.1:<port>`. */
  start(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
        if (error) reject(error);
        else resolve(`http://127.0.0.1:${port}`);
      });
    });
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.forceShutdown();
  }

  private handle(call: ServerUnaryCall<ExportMetricsServiceRequest, ExportMetricsServiceResponse>, callback: sendUnaryData<ExportMetricsServiceResponse>): void {
    const index = this.received.length;
    this.received.push({ request: call.request, metadata: call.metadata, at: performance.now() });
    const answer = this.script(index);
    if (!answer.ok) {
      callback({ code: answer.code, details: answer.details, metadata: answer.trailer ?? new Metadata() });
      return;
    }
    const response = answer.response ?? {};
    if (answer.delayMillis === undefined) {
      callback(null, response);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      callback(null, response);
    }, answer.delayMillis);
    this.timers.add(timer);
  }
}
