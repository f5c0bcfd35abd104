import { createSecureServer, createServer } from 'node:http2';
import type { Http2SecureServer, Http2Server, IncomingHttpHeaders, ServerHttp2Session, ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { finishesWithin } from '@otel-dp/pipeline';
import type { ListenAddress } from './config.js';
import { formatListenAddress } from './config.js';
import type { ConnectionLimits } from './connection-limits.js';
import type { ExchangeContext } from './exchange.js';
import { GrpcConnections } from './grpc-connections.js';
import { handleGrpcStream } from './grpc-exchange.js';
import { GRPC_STREAM_WINDOW_BYTES } from './grpc-flow-control.js';
import { listenFailure } from './listen-error.js';
import { MIN_TLS_VERSION } from './tls-files.js';
import type { TlsMaterial } from './tls-files.js';
import { describeUnexpected, errorCode } from './unexpected-error.js';

/**
 * The OTLP/gRPC server: MetricsService/Export served on node:http2 directly,
 * with a bounded shutdown. A gRPC library would inflate each message itself
 * up to the size limit before the receiver saw it, whatever its ratio and
 * whatever else is in flight; here the receiver reads the compressed bytes
 * and applies its own limits (see {@link handleGrpcStream}). Connections are
 * capped (`maxConnections`), as are the calls open on each
 * (`grpcMaxConcurrentStreams`), and idle ones are closed ({@link GrpcConnections}).
 */
export class GrpcListener {
  readonly #context: ExchangeContext;
  readonly #server: Http2Server | Http2SecureServer;
  readonly #connections: GrpcConnections;
  #inFlight = 0;
  #dropped = 0;

  /** Serves gRPC over TLS when `tls` is given, asking for client certificates when it holds a client CA. */
  constructor(context: ExchangeContext, limits: ConnectionLimits, tls?: TlsMaterial) {
    this.#context = context;
    this.#connections = new GrpcConnections(limits, context.logger);
    const settings = { maxConcurrentStreams: limits.grpcMaxConcurrentStreams, initialWindowSize: GRPC_STREAM_WINDOW_BYTES };
    if (tls === undefined) {
      this.#server = createServer({ settings });
    } else {
      const mutual = tls.clientCa !== undefined;
      this.#server = createSecureServer({
        settings,
        cert: tls.cert,
        key: tls.key,
        ca: tls.clientCa,
        requestCert: mutual,
        rejectUnauthorized: mutual,
        minVersion: MIN_TLS_VERSION,
      });
      // A refused handshake (no client certificate, an old TLS version) is the client's to fix.
      this.#server.on('tlsClientError', (error: Error) => {
        context.logger.debug('OTLP/gRPC TLS handshake refused', { code: errorCode(error) });
      });
    }
    // Node closes a connection past the cap as soon as it is accepted.
    this.#server.maxConnections = limits.maxConnections;
    this.#server.on('drop', () => {
      this.#dropped += 1;
      // Once, then counted: a flood of connections would otherwise flood the log.
      if (this.#dropped === 1) context.logger.warn('OTLP/gRPC connection refused: maxConnections reached', { maxConnections: limits.maxConnections });
    });
    this.#server.on('session', (session: ServerHttp2Session) => this.#connections.track(session));
    this.#server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => this.#dispatch(stream, headers));
    // A client that breaks HTTP/2 only ends its own connection.
    this.#server.on('sessionError', (error: Error) => context.logger.debug('OTLP/gRPC connection failed', { code: errorCode(error) }));
  }

  /** Connections refused because `maxConnections` were open, since start. */
  get droppedConnections(): number {
    return this.#dropped;
  }

  /** Connections open now. */
  get openConnections(): number {
    return this.#connections.size;
  }

  /** Binds; resolves with the address actually bound (port 0 resolved). */
  listen(address: ListenAddress): Promise<ListenAddress> {
    return new Promise<ListenAddress>((resolve, reject) => {
      const onError = (error: Error): void => reject(listenFailure('OTLP/gRPC', formatListenAddress(address), error));
      this.#server.once('error', onError);
      this.#server.listen({ host: address.host, port: address.port }, () => {
        this.#server.off('error', onError);
        // An 'error' without a listener would end the process (accept can fail, e.g. EMFILE).
        this.#server.on('error', (error) => this.#context.logger.error('OTLP/gRPC server error', describeUnexpected(error)));
        const bound = this.#server.address() as AddressInfo;
        resolve({ host: address.host, port: bound.port });
      });
    });
  }

  /**
   * Stops accepting connections and sends GOAWAY on each, letting calls in
   * flight finish; after `timeoutMs` the remaining connections are cut.
   * Returns the number of calls cut.
   */
  async close(timeoutMs: number): Promise<number> {
    if (!this.#server.listening) return 0;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#connections.closeAll();
    if (await finishesWithin(closed, timeoutMs)) return 0;
    const cut = this.#inFlight;
    this.#connections.destroyAll();
    await closed;
    return cut;
  }

  #dispatch(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    this.#inFlight += 1;
    handleGrpcStream(stream, headers, this.#context)
      .catch((error: unknown) => {
        // Last resort: an unhandled rejection would end the process.
        this.#context.logger.error('OTLP/gRPC call could not be answered', describeUnexpected(error));
        stream.destroy();
      })
      .finally(() => {
        this.#inFlight -= 1;
      });
  }
}
