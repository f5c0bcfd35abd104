import { constants } from 'node:http2';
import type { ServerHttp2Session } from 'node:http2';
import type { Logger } from '@otel-dp/pipeline';
import type { ConnectionLimits } from './connection-limits.js';
import { GRPC_CONNECTION_WINDOW_BYTES } from './grpc-flow-control.js';

/** Pings a client may send too early before the connection is closed: gRPC-Go's `maxPingStrikes`. */
const MAX_PING_STRIKES = 2;
/** With no call open a client has no reason to ping more often than this: gRPC-Go's `defaultPingTimeout`. */
const IDLE_PING_MIN_INTERVAL_MS = 2 * 3_600_000;

type SessionLimits = Pick<ConnectionLimits, 'grpcMaxConnectionIdleMs' | 'grpcKeepaliveTimeMs' | 'grpcKeepaliveTimeoutMs' | 'grpcKeepaliveMinTimeMs'>;

/**
 * The OTLP/gRPC connections of one listener and the timers that end them,
 * as gRPC-Go's server keepalive (which the collector's `keepalive` settings
 * configure):
 * - a connection with no call open for `grpcMaxConnectionIdleMs` is closed
 *   with GOAWAY (`max_connection_idle`), so idle connections cannot pile up
 *   until descriptors run out;
 * - every `grpcKeepaliveTimeMs` the server pings, and a connection whose
 *   ping goes unanswered for `grpcKeepaliveTimeoutMs` is destroyed (`time`,
 *   `timeout`): a peer that vanished without a FIN does not hold its socket;
 * - a client that pings more often than `grpcKeepaliveMinTimeMs` while a call
 *   is open, or at all while none is, more than twice, gets GOAWAY
 *   ENHANCE_YOUR_CALM (the enforcement policy, `permit_without_stream` false).
 */
export class GrpcConnections {
  readonly #limits: SessionLimits;
  readonly #logger: Logger;
  readonly #sessions = new Set<ServerHttp2Session>();

  constructor(limits: SessionLimits, logger: Logger) {
    this.#limits = limits;
    this.#logger = logger;
  }

  /** Connections open now. */
  get size(): number {
    return this.#sessions.size;
  }

  /** Starts watching a new connection; it is forgotten when it closes. */
  track(session: ServerHttp2Session): void {
    // Errors also close the session; without a listener one would end the process.
    session.on('error', () => undefined);
    if (session.destroyed || session.closed) return;
    this.#sessions.add(session);
    try {
      // Each stream's window comes from the server's SETTINGS; the connection's needs a WINDOW_UPDATE.
      session.setLocalWindowSize(GRPC_CONNECTION_WINDOW_BYTES);
    } catch {
      // A session the peer has already broken off keeps its small window and ends anyway.
    }
    const limits = this.#limits;
    let openCalls = 0;
    let idleTimer: NodeJS.Timeout | undefined;
    let pingTimeout: NodeJS.Timeout | undefined;
    let lastClientPing = 0;
    let strikes = 0;

    const closeIdle = (): void => {
      this.#logger.debug('OTLP/gRPC connection closed after being idle', { idleMs: limits.grpcMaxConnectionIdleMs });
      session.close();
    };
    const armIdle = (): void => {
      idleTimer = setTimeout(closeIdle, limits.grpcMaxConnectionIdleMs);
      idleTimer.unref();
    };
    const keepalive = setInterval(() => {
      if (pingTimeout !== undefined || session.closed || session.destroyed) return;
      pingTimeout = setTimeout(() => {
        this.#logger.debug('OTLP/gRPC connection destroyed: keepalive ping unanswered', { timeoutMs: limits.grpcKeepaliveTimeoutMs });
        session.destroy();
      }, limits.grpcKeepaliveTimeoutMs);
      pingTimeout.unref();
      const sent = session.ping((error) => {
        if (error !== null) return;
        clearTimeout(pingTimeout);
        pingTimeout = undefined;
      });
      // Node refuses a ping when too many are outstanding; the next interval tries again.
      if (!sent) {
        clearTimeout(pingTimeout);
        pingTimeout = undefined;
      }
    }, limits.grpcKeepaliveTimeMs);
    keepalive.unref();

    session.on('stream', (stream) => {
      openCalls += 1;
      strikes = 0;
      clearTimeout(idleTimer);
      stream.once('close', () => {
        openCalls -= 1;
        if (openCalls === 0 && !session.closed) armIdle();
      });
    });
    session.on('ping', () => {
      const now = Date.now();
      const minInterval = openCalls > 0 ? limits.grpcKeepaliveMinTimeMs : IDLE_PING_MIN_INTERVAL_MS;
      if (lastClientPing !== 0 && now - lastClientPing < minInterval) strikes += 1;
      lastClientPing = now;
      if (strikes > MAX_PING_STRIKES && !session.closed) {
        this.#logger.debug('OTLP/gRPC connection closed: the client pings too often', { minTimeMs: minInterval });
        // gRPC clients read this debug text and slow their keepalive down.
        session.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM, 0, Buffer.from('too_many_pings'));
        session.close();
      }
    });
    session.once('close', () => {
      clearTimeout(idleTimer);
      clearTimeout(pingTimeout);
      clearInterval(keepalive);
      this.#sessions.delete(session);
    });
    armIdle();
  }

  /** Sends GOAWAY to every connection: calls in flight finish, no new ones start. */
  closeAll(): void {
    for (const session of this.#sessions) session.close();
  }

  /** Cuts every connection still open. */
  destroyAll(): void {
    for (const session of this.#sessions) session.destroy();
  }
}
