import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { METRICS_EXPORT_PATH } from '@otel-dp/otlp';

/**
 * The backend both pipelines export to: accepts every `POST /v1/metrics`
 * on loopback and answers full success (an empty protobuf
 * ExportMetricsServiceResponse is zero bytes), without decoding, so it costs
 * the measured process as little as a backend can.
 */
export class CountingSink {
  /** Requests received, and their bytes as they came off the wire. */
  requests = 0;
  bytes = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<CountingSink> {
    const server = createServer();
    const sink = new CountingSink(server);
    server.keepAliveTimeout = 60_000;
    server.on('request', (req, res) => {
      if (req.method !== 'POST' || req.url !== METRICS_EXPORT_PATH) {
        res.writeHead(404).end();
        return;
      }
      req.on('data', (chunk: Buffer) => {
        sink.bytes += chunk.length;
      });
      req.on('end', () => {
        sink.requests++;
        res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '0' }).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return sink;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${METRICS_EXPORT_PATH}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
