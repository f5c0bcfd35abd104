import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { encodeMetricsRequest, encodeMetricsRequestJson, type ExportMetricsServiceRequest } from '@otel-dp/otlp';
import type { OtlpExporterConfig } from './config.js';
import { classifyHttpResponse } from './http-response.js';
import type { AttemptContext, AttemptResult, ExportTransport } from './transport.js';
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
  private readonly agent: http.Agent;
  private readonly requestHeaders: OutgoingHttpHeaders;
  private readonly request: typeof http.request;

  constructor(
    private readonly url: URL,
    private readonly config: OtlpExporterConfig,
  ) {
    const secure = url.protocol === 'https:';
    this.agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
    this.request = secure ? https.request : http.request;
    // Configured headers first, so the exporter's own protocol headers win.
    this.requestHeaders = {
      ...config.headers,
      'user-agent': USER_AGENT,
      'content-type': config.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
      ...(config.compression === 'gzip' ? { 'content-encoding': 'gzip' } : {}),
    };
  }

  async prepare(request: ExportMetricsServiceRequest): Promise<Buffer> {
    const encoded = this.config.protocol === 'http/json' ? Buffer.from(encodeMetricsRequestJson(request), 'utf8') : toBuffer(encodeMetricsRequest(request));
    return this.config.compression === 'gzip' ? gzipAsync(encoded) : encoded;
  }

  send(body: Buffer, context: AttemptContext): Promise<AttemptResult> {
    return new Promise((resolve) => {
      const request = this.request(this.url, {
        method: 'POST',
        agent: this.agent,
        headers: { ...this.requestHeaders, 'content-length': body.length },
      });
      const timer = context.timeoutMillis > 0 ? setTimeout(() => stop(`timed out after ${context.timeoutMillis} ms`), context.timeoutMillis) : undefined;
      const onAbort = (): void => stop('aborted by shutdown');
      context.signal.addEventListener('abort', onAbort, { once: true });

      let settled = false;
      const finish = (result: AttemptResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        context.signal.removeEventListener('abort', onAbort);
        resolve(result);
      };
      // Settles first, so the error the destroyed request emits next is ignored.
      function stop(reason: string): void {
        finish({ kind: 'failed', retryable: true, reason });
        request.destroy();
      }

      request.on('error', (error: NodeJS.ErrnoException) => {
        finish({ kind: 'failed', retryable: true, reason: `network error: ${error.code ?? error.message}` });
      });
      request.on('response', (response) => {
        readBody(response).then(
          (responseBody) => finish(classifyHttpResponse(response.statusCode ?? 0, response.headers, responseBody, Date.now())),
          (error: NodeJS.ErrnoException) => finish({ kind: 'failed', retryable: true, reason: `response interrupted: ${error.code ?? error.message}` }),
        );
      });
      if (context.signal.aborted) onAbort();
      else request.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
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
