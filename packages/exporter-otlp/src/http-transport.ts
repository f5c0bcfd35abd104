import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { encodeMetricsRequest, encodeMetricsRequestJson, type ExportMetricsServiceRequest } from '@otel-dp/otlp';
import type { OtlpExporterConfig } from './config.js';
import { httpPostTarget, postAttempt, type HttpPostTarget } from '@otel-dp/exporter-helper';
import { classifyHttpResponse } from './http-response.js';
import type { AttemptContext, AttemptResult, ExportTransport } from '@otel-dp/exporter-helper';
import { USER_AGENT } from './user-agent.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * Bytes of response body kept, 4 MiB. OTLP success bodies are tiny; a larger
 * body is drained and ignored rather than buffered.
 */
const MAX_RESPONSE_BODY_BYTES = 4 * 1024 * 1024;

/** OTLP/HTTP with protobuf or JSON bodies, over node:http or node:https with keep-alive. */
export class HttpTransport implements ExportTransport {
  private readonly target: HttpPostTarget;

  constructor(
    url: URL,
    private readonly config: OtlpExporterConfig,
  ) {
    // Configured headers first, so the exporter's own protocol headers win.
    this.target = httpPostTarget(url, {
      ...config.headers,
      'user-agent': USER_AGENT,
      'content-type': config.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
      ...(config.compression === 'gzip' ? { 'content-encoding': 'gzip' } : {}),
    });
  }

  async prepare(request: ExportMetricsServiceRequest): Promise<Buffer> {
    const encoded = this.config.protocol === 'http/json' ? Buffer.from(encodeMetricsRequestJson(request), 'utf8') : toBuffer(encodeMetricsRequest(request));
    return this.config.compression === 'gzip' ? gzipAsync(encoded) : encoded;
  }

  send(body: Buffer, context: AttemptContext): Promise<AttemptResult> {
    return postAttempt(this.target, body, context, async (response) =>
      classifyHttpResponse(response.statusCode ?? 0, response.headers, await readBody(response), Date.now()),
    );
  }

  close(): void {
    this.target.agent.destroy();
  }
}

/**
 * The response body, gunzipped when the server compressed it. A body over
 * MAX_RESPONSE_BODY_BYTES or one that does not gunzip reads as empty: the
 * status alone then decides, and only the details are lost. Rejects only when
 * the connection breaks.
 */
async function readBody(response: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_RESPONSE_BODY_BYTES) chunks.push(chunk);
  }
  if (size === 0 || size > MAX_RESPONSE_BODY_BYTES) return Buffer.alloc(0);
  const body = Buffer.concat(chunks, size);
  if (response.headers['content-encoding'] !== 'gzip') return body;
  return gunzipAsync(body).catch(() => Buffer.alloc(0));
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
