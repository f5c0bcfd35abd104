import { Client, credentials, Metadata, type ChannelOptions, type ServiceError } from '@grpc/grpc-js';
import { decodeMetricsResponse, encodeMetricsRequest, METRICS_EXPORT_GRPC_PATH, type ExportMetricsServiceRequest, type ExportMetricsServiceResponse } from '@otel-dp/otlp';
import type { OtlpExporterConfig } from './config.js';
import { classifyGrpcError } from './grpc-status.js';
import type { AttemptContext, AttemptResult, ExportTransport } from '@otel-dp/exporter-helper';
import { USER_AGENT } from './user-agent.js';

/** grpc-js's index of gzip in its compression algorithm table (0 identity, 1 deflate, 2 gzip). */
const GRPC_GZIP = 2;

/** A decoded response, or nothing when the body could not be read (the call itself succeeded). */
type DecodedResponse = ExportMetricsServiceResponse | undefined;

/**
 * OTLP/gRPC: unary `MetricsService/Export` calls through a grpc-js Client.
 * The request is encoded once by our codec and handed to grpc-js as bytes.
 */
export class GrpcTransport implements ExportTransport {
  private readonly client: Client;
  private readonly metadata: Metadata;

  constructor(url: URL, config: OtlpExporterConfig) {
    const port = url.port === '' ? (url.protocol === 'https:' ? '443' : '80') : url.port;
    const channelCredentials = url.protocol === 'https:' ? credentials.createSsl() : credentials.createInsecure();
    const options: ChannelOptions = { 'grpc.primary_user_agent': USER_AGENT };
    if (config.compression === 'gzip') options['grpc.default_compression_algorithm'] = GRPC_GZIP;
    this.client = new Client(`${url.hostname}:${port}`, channelCredentials, options);
    this.metadata = new Metadata();
    for (const [name, value] of Object.entries(config.headers)) this.metadata.set(name.toLowerCase(), value);
  }

  async prepare(request: ExportMetricsServiceRequest): Promise<Buffer> {
    const bytes = encodeMetricsRequest(request);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  send(body: Buffer, context: AttemptContext): Promise<AttemptResult> {
    return new Promise((resolve) => {
      const deadline = context.timeoutMillis > 0 ? Date.now() + context.timeoutMillis : Infinity;
      const onAbort = (): void => call.cancel();
      const call = this.client.makeUnaryRequest<Buffer, DecodedResponse>(
        METRICS_EXPORT_GRPC_PATH,
        passBytes,
        decodeLeniently,
        body,
        this.metadata.clone(),
        { deadline },
        (error, response) => {
          context.signal.removeEventListener('abort', onAbort);
          if (error) {
            resolve(classifyGrpcError(error as ServiceError));
            return;
          }
          const partial = response?.partialSuccess;
          resolve(partial === undefined ? { kind: 'accepted' } : { kind: 'accepted', rejectedDataPoints: partial.rejectedDataPoints, warning: partial.errorMessage });
        },
      );
      if (context.signal.aborted) call.cancel();
      else context.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): void {
    this.client.close();
  }
}

function passBytes(bytes: Buffer): Buffer {
  return bytes;
}

/**
 * The backend accepted the data once the call returns OK; an unreadable
 * response only costs the partial_success details, so it must not turn the
 * call into an error (grpc-js reports a throwing deserializer as INTERNAL).
 */
function decodeLeniently(bytes: Buffer): DecodedResponse {
  try {
    return decodeMetricsResponse(bytes);
  } catch {
    return undefined;
  }
}
