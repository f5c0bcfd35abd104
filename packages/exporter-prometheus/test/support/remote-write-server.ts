import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeWriteRequest, snappyDecompress, type WriteRequest } from '../../src/testing.js';

export interface ReceivedWrite {
  path: string;
  headers: IncomingHttpHeaders;
  /** The body decoded with our snappy and protobuf decoders. */
  request: WriteRequest;
  /** performance.now() at arrival. */
  at: number;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A remote-write endpoint on 127.0.0.1 with an OS-chosen port that decodes and records every request. */
export class RemoteWriteTestServer {
  readonly received: ReceivedWrite[] = [];
  private server: Server | undefined;

  constructor(private readonly script: (index: number) => ScriptedAnswer = () => ({ status: 204 })) {}

  /** Resolves to the write URL, `http://127.0.0.1:<port>/api/v1/write`. */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const index = this.received.length;
        this.received.push({ path: req.url ?? '', headers: req.headers, request: decodeWriteRequest(snappyDecompress(Buffer.concat(chunks))), at: performance.now() });
        const answer = this.script(index);
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body);
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
