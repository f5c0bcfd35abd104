import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { after } from 'node:test';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeMetricsRequest, decodeMetricsRequestJson, type ExportMetricsServiceRequest } from './index.js';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body as it arrived on the wire (possibly gzipped). */
  wireBody: Buffer;
  /** What the server decoded from the body, by its Content-Type. */
  request: ExportMetricsServiceRequest;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Wait this long before answering, in milliseconds. */
  delayMillis?: number;
}

/** Answers the n-th request (0-based). */
export type Responder = (index: number) => ScriptedResponse;

/**
 * A real OTLP/HTTP endpoint on 127.0.0.1 with an OS-chosen port: it decodes
 * every request with the OTLP codec, records it, and answers as scripted.
 */
export class OtlpHttpTestServer {
  readonly received: ReceivedRequest[] = [];
  /** Arrival times (performance.now()) of each request. */
  readonly arrivals: number[] = [];
  private server: Server | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(public responder: Responder = () => ({ status: 200 })) {}

  /** Starts listening, on `port` when given (to come back up where a client already points). */
  async start(port = 0): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const index = this.arrivals.length;
        this.arrivals.push(performance.now());
        const wireBody = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(wireBody) : wireBody;
        const request =
          req.headers['content-type'] === 'application/json' ? decodeMetricsRequestJson(body.toString('utf8')) : decodeMetricsRequest(body);
        this.received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, wireBody, request });
        const answer = this.responder(index);
        const send = (): void => {
          res.writeHead(answer.status, answer.headers ?? {});
          res.end(answer.body === undefined ? undefined : answer.body);
        };
        if (answer.delayMillis === undefined) {
          send();
          return;
        }
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!res.destroyed) send();
        }, answer.delayMillis);
        this.timers.add(timer);
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Starts a test server (on `port`, else any free one) that closes when the
 * test that started it ends (or, started outside a test, after the file's tests).
 */
export async function serveOtlpHttp(responder?: Responder, port?: number): Promise<{ server: OtlpHttpTestServer; endpoint: string }> {
  const server = new OtlpHttpTestServer(responder);
  after(() => server.close());
  return { server, endpoint: await server.start(port) };
}
