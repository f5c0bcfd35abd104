import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** GETs a URL and returns the status, the content type and the body as text. */
export async function getText(url: string): Promise<{ status: number; contentType: string; body: string }> {
  const response = await fetch(url);
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
}

/** The value of one sample line of a Prometheus text exposition, e.g. `name{a="b"}`; undefined when absent. */
export function sampleValue(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The body, gunzipped when it was sent with Content-Encoding: gzip. */
  body: Buffer;
}

/** An HTTP server on 127.0.0.1 that answers every request with `status` and an empty body, and keeps what it received. */
export class RecordingServer {
  readonly requests: RecordedRequest[] = [];
  private readonly server: Server;

  constructor(answer: { status: number; contentType: string; body: string | Uint8Array } = { status: 200, contentType: 'application/json', body: '{}' }) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        this.requests.push({ path: req.url ?? '', headers: req.headers, body });
        res.writeHead(answer.status, { 'content-type': answer.contentType });
        res.end(answer.body);
      });
    });
  }

  /** Listens on a port the OS picks and returns it. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
