import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeMetricsRequestJson, type ExportMetricsServiceRequest } from '@otel-dp/otlp';

export interface ReceivedExport {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  request: ExportMetricsServiceRequest;
}

/**
 * A minimal OTLP/HTTP JSON metrics receiver on 127.0.0.1: decodes each POST
 * with the project's JSON decoder and answers `status` (200 with an empty
 * ExportMetricsServiceResponse by default).
 */
export class OtlpHttpSink {
  readonly received: ReceivedExport[] = [];
  /** Bodies the decoder refused, with its message. */
  readonly undecodable: string[] = [];
  status = 200;
  readonly #server: Server;
  readonly #waiters: Array<() => void> = [];

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let status = this.status;
        if (status === 200) {
          try {
            this.received.push({ path: req.url ?? '', headers: req.headers, body, request: decodeMetricsRequestJson(body) });
          } catch (error) {
            this.undecodable.push(error instanceof Error ? error.message : String(error));
            status = 400;
          }
        }
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(status === 200 ? '{}' : '{"code":3,"message":"refused by the test"}');
        for (const wake of this.#waiters.splice(0)) wake();
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Resolves once `count` exports were accepted; rejects after `timeoutMillis`. */
  async waitFor(count: number, timeoutMillis: number): Promise<void> {
    const deadline = Date.now() + timeoutMillis;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.received.length} exports received, ${count} awaited`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
