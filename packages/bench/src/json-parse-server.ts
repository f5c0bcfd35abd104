import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { METRICS_EXPORT_PATH } from '@otel-dp/otlp';

/** The JSON.parse pass, listening. */
export interface JsonParseServer {
  port: number;
  /** Requests whose body parsed, and those refused. */
  readonly parsed: number;
  readonly refused: number;
  close(): Promise<void>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const EMPTY_RESPONSE = '{}';

/**
 * An OTLP/HTTP endpoint that does for each JSON body only what every OTLP/JSON
 * decoder must do first: read it, gunzip it when it says so, check it is UTF-8
 * and `JSON.parse` it, as the receiver does before decoding. It answers an
 * empty ExportMetricsServiceResponse, or 400 for a body that does not parse.
 * The bench's OTLP/JSON decoder target is a share of this pass's rate.
 */
export async function startJsonParseServer(listen: { host: string; port: number }): Promise<JsonParseServer> {
  let parsed = 0;
  let refused = 0;
  const answer = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'text/plain', 'content-length': Buffer.byteLength(body) }).end(body);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || req.url !== METRICS_EXPORT_PATH) {
      req.resume();
      answer(res, 404, 'not found');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        const value: unknown = JSON.parse(utf8.decode(body));
        if (typeof value !== 'object' || value === null) throw new Error('not an object');
        parsed++;
        answer(res, 200, EMPTY_RESPONSE);
      } catch {
        refused++;
        answer(res, 400, 'the body is not a JSON object');
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    get parsed() {
      return parsed;
    },
    get refused() {
      return refused;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
