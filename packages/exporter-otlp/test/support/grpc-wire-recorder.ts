import { createServer, type Http2Server, type Http2Session, type IncomingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface RecordedGrpcMessage {
  headers: IncomingHttpHeaders;
  /** The gRPC length-prefixed message's Compressed-Flag byte (1 = compressed with grpc-encoding). */
  compressedFlag: number;
  /** The message bytes, decompressed when the flag says so. */
  message: Buffer;
}

/**
 * A bare HTTP/2 server that speaks just enough gRPC to answer one unary call
 * with OK, recording the request headers and message framing as sent on the
 * wire (grpc-js's own server hides the grpc-encoding header).
 */
export class GrpcWireRecorder {
  readonly messages: RecordedGrpcMessage[] = [];
  private server: Http2Server | undefined;
  private readonly sessions = new Set<Http2Session>();

  async start(): Promise<string> {
    const server = createServer();
    server.on('session', (session) => {
      this.sessions.add(session);
      session.on('close', () => this.sessions.delete(session));
    });
    server.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const framed = Buffer.concat(chunks);
        const compressedFlag = framed[0];
        const payload = framed.subarray(5, 5 + framed.readUInt32BE(1));
        this.messages.push({ headers, compressedFlag, message: compressedFlag === 1 ? gunzipSync(payload) : payload });
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        // One uncompressed, empty ExportMetricsServiceResponse.
        stream.end(Buffer.from([0, 0, 0, 0, 0]));
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    for (const session of this.sessions) session.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
