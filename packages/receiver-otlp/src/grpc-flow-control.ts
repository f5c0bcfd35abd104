import type { Server } from '@grpc/grpc-js';
import type { Http2Server, Http2SecureServer, ServerHttp2Session } from 'node:http2';

/** Window of each stream: a whole request of the usual sizes fits, so a client never waits inside one message. */
export const GRPC_STREAM_WINDOW_BYTES = 4 << 20;
/** Window of each connection, shared by its streams. */
export const GRPC_CONNECTION_WINDOW_BYTES = 16 << 20;

const widened = new WeakSet<object>();

/**
 * grpc-js (1.14) leaves its server sessions at Node's 64 KiB HTTP/2
 * flow-control windows and has no server option to widen them. A client
 * that sends requests of hundreds of KB over one connection, as OTLP
 * exporters do, then waits for a WINDOW_UPDATE every 64 KiB, each one behind
 * whatever the event loop is busy with. Measured with the bench's 205 KB
 * requests over one channel: 186k–228k points/s with the sidecar at 0.8 of
 * a core, 278k with the windows widened.
 *
 * Call after every bind. It reaches the HTTP/2 servers grpc-js keeps in a
 * private field; a test reads the windows a client is told, so an upgrade
 * that moves the field fails it. Returns false when the field is not there
 * (the windows then stay as they were). The windows only pace the sender:
 * Node reads arriving data at once either way, and each message stays
 * bounded by `grpc.max_receive_message_length`, checked as it arrives.
 */
export function widenFlowControlWindows(server: Server): boolean {
  const http2Servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(http2Servers instanceof Map)) return false;
  for (const http2Server of (http2Servers as Map<Http2Server | Http2SecureServer, unknown>).keys()) {
    if (widened.has(http2Server)) continue;
    widened.add(http2Server);
    http2Server.on('session', (session: ServerHttp2Session) => {
      // A session the peer has already broken off refuses both calls; it keeps its small windows and ends anyway.
      if (session.destroyed || session.closed) return;
      try {
        session.setLocalWindowSize(GRPC_CONNECTION_WINDOW_BYTES);
        session.settings({ initialWindowSize: GRPC_STREAM_WINDOW_BYTES });
      } catch {
        return;
      }
    });
  }
  return true;
}
