import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { finishesWithin } from '@otel-dp/pipeline';
import type { ListenAddress } from './config.js';
import { formatListenAddress } from './config.js';
import type { ExchangeContext } from './exchange.js';
import { handleHttpExchange } from './http-exchange.js';
import { listenFailure } from './listen-error.js';
import { MIN_TLS_VERSION } from './tls-files.js';
import type { TlsMaterial } from './tls-files.js';
import { describeUnexpected, errorCode } from './unexpected-error.js';

/** The OTLP/HTTP server: binding, per-request dispatch, and a bounded shutdown. */
export class HttpListener {
  readonly #context: ExchangeContext;
  readonly #server: HttpServer | HttpsServer;
  readonly #pending = new Set<ServerResponse>();
  #closing = false;

  /**
   * Serves HTTPS when `tls` is given, asking for client certificates when it
   * holds a client CA. Past `maxConnections` open connections, Node closes
   * new ones as soon as they are accepted.
   */
  constructor(context: ExchangeContext, maxConnections: number, tls?: TlsMaterial) {
    this.#context = context;
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => this.#dispatch(req, res);
    if (tls === undefined) {
      this.#server = createHttpServer(onRequest);
    } else {
      const mutual = tls.clientCa !== undefined;
      this.#server = createHttpsServer(
        { cert: tls.cert, key: tls.key, ca: tls.clientCa, requestCert: mutual, rejectUnauthorized: mutual, minVersion: MIN_TLS_VERSION },
        onRequest,
      );
      // A refused handshake (no client certificate, an old TLS version) is the client's to fix.
      this.#server.on('tlsClientError', (error: Error) => {
        context.logger.debug('OTLP/HTTP TLS handshake refused', { code: errorCode(error) });
      });
    }
    this.#server.maxConnections = maxConnections;
    let dropped = 0;
    this.#server.on('drop', () => {
      dropped += 1;
      // Once: a flood of connections would otherwise flood the log.
      if (dropped === 1) context.logger.warn('OTLP/HTTP connection refused: maxConnections reached', { maxConnections });
    });
  }

  /** Binds; resolves with the address actually bound (port 0 resolved). */
  listen(address: ListenAddress): Promise<ListenAddress> {
    return new Promise<ListenAddress>((resolve, reject) => {
      const onError = (error: Error): void => reject(listenFailure('OTLP/HTTP', formatListenAddress(address), error));
      this.#server.once('error', onError);
      this.#server.listen({ host: address.host, port: address.port }, () => {
        this.#server.off('error', onError);
        // An 'error' without a listener would end the process (accept can fail, e.g. EMFILE).
        this.#server.on('error', (error) => this.#context.logger.error('OTLP/HTTP server error', describeUnexpected(error)));
        const bound = this.#server.address() as AddressInfo;
        resolve({ host: address.host, port: bound.port });
      });
    });
  }

  /**
   * Stops accepting connections and lets requests in flight finish, each on a
   * connection that closes after its answer; after `timeoutMs` the remaining
   * connections are cut. Returns the number of requests cut.
   */
  async close(timeoutMs: number): Promise<number> {
    if (!this.#server.listening) return 0;
    this.#closing = true;
    for (const res of this.#pending) {
      if (!res.headersSent) res.setHeader('Connection', 'close');
    }
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    if (await finishesWithin(closed, timeoutMs)) return 0;
    const cut = this.#pending.size;
    this.#server.closeAllConnections();
    await closed;
    return cut;
  }

  #dispatch(req: IncomingMessage, res: ServerResponse): void {
    this.#pending.add(res);
    res.on('close', () => this.#pending.delete(res));
    if (this.#closing) res.setHeader('Connection', 'close');
    handleHttpExchange(req, res, this.#context).catch((error: unknown) => {
      // Last resort: an unhandled rejection would end the process.
      this.#context.logger.error('OTLP/HTTP request could not be answered', describeUnexpected(error));
      res.destroy();
    });
  }
}
