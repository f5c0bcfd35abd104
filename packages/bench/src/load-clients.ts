import { Agent, request } from 'node:http';
import { connect, constants, type IncomingHttpHeaders } from 'node:http2';
import { METRICS_EXPORT_GRPC_PATH, METRICS_EXPORT_PATH, TRACES_EXPORT_PATH } from '@otel-dp/otlp';
import type { Transport } from './payloads.js';

/** How one request ended: accepted, refused under load (a client would retry), or failed. */
export type SendOutcome = 'ok' | 'refused' | 'failed';

/** One open connection (pool) to the system under test, sending prebuilt bodies. */
export interface RequestSender {
  send(body: Buffer): Promise<SendOutcome>;
  close(): void;
}

export interface SenderTarget {
  transport: Transport;
  gzip: boolean;
  /** Loopback address of the listener for this transport. */
  host: string;
  port: number;
  /** Most requests in flight; sizes the HTTP socket pool. */
  concurrency: number;
}

/** Bounds every request, so a stuck server cannot hold a measurement open. */
const REQUEST_TIMEOUT_MILLIS = 10_000;
/**
 * Memory one HTTP/2 session may hold, in MB. Node's default of 10 MB is
 * about 50 requests of 205 KB queued on the gRPC session; past it Node
 * refuses new streams (ENHANCE_YOUR_CALM) in the generator itself, and the
 * open loops keep up to 256 requests in flight.
 */
const SESSION_MEMORY_MB = 1024;

export function openSender(target: SenderTarget): RequestSender {
  return target.transport === 'grpc' ? grpcSender(target) : httpSender(target);
}

function httpSender(target: SenderTarget): RequestSender {
  const agent = new Agent({ keepAlive: true, maxSockets: target.concurrency, maxFreeSockets: target.concurrency });
  const headers: Record<string, string> = {
    'content-type': target.transport === 'http-json' ? 'application/json' : 'application/x-protobuf',
  };
  if (target.gzip) headers['content-encoding'] = 'gzip';
  return {
    send: (body) =>
      new Promise<SendOutcome>((resolve) => {
        const req = request(
          {
            agent,
            host: target.host,
            port: target.port,
            path: target.transport === 'http-protobuf-spans' ? TRACES_EXPORT_PATH : METRICS_EXPORT_PATH,
            method: 'POST',
            headers: { ...headers, 'content-length': String(body.length) },
            timeout: REQUEST_TIMEOUT_MILLIS,
          },
          (res) => {
            const status = res.statusCode ?? 0;
            res.on('error', () => resolve('failed'));
            res.on('end', () => resolve(status === 200 ? 'ok' : status === 429 || status === 503 ? 'refused' : 'failed'));
            res.resume();
          },
        );
        req.on('timeout', () => req.destroy(new Error('request timed out')));
        req.on('error', () => resolve('failed'));
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}

/**
 * OTLP/gRPC over a bare HTTP/2 session, one for all requests in flight as a
 * gRPC channel has. Bodies are messages already framed (and gzipped) by
 * `encodePayloads`, so the generator spends nothing per request on them: a
 * client that gzips each message as it sends it spends about 2.4 ms on a
 * 205 KB request, which would cap the gzip rows at the generator's core
 * rather than at the system under test.
 */
function grpcSender(target: SenderTarget): RequestSender {
  const session = connect(`http://${target.host}:${target.port}`, { maxSessionMemory: SESSION_MEMORY_MB });
  // A broken session fails the streams on it, and each stream reports its own outcome.
  session.on('error', () => {});
  const headers = {
    ':method': 'POST',
    ':path': METRICS_EXPORT_GRPC_PATH,
    'content-type': 'application/grpc',
    te: 'trailers',
    'grpc-encoding': target.gzip ? 'gzip' : 'identity',
    'grpc-accept-encoding': 'identity',
    'grpc-timeout': `${REQUEST_TIMEOUT_MILLIS}m`,
  };
  return {
    send: (body) =>
      new Promise<SendOutcome>((resolve) => {
        let status: string | undefined;
        const note = (received: IncomingHttpHeaders) => {
          const value = received['grpc-status'];
          if (typeof value === 'string') status = value;
        };
        try {
          const stream = session.request(headers);
          stream.setTimeout(REQUEST_TIMEOUT_MILLIS, () => stream.close(constants.NGHTTP2_CANCEL));
          // A response without a body carries its status in the headers (trailers-only), else in the trailers.
          stream.on('response', note);
          stream.on('trailers', note);
          stream.on('error', () => {});
          stream.on('close', () => resolve(grpcOutcome(status)));
          stream.resume();
          stream.end(body);
        } catch {
          resolve('failed');
        }
      }),
    close: () => session.close(),
  };
}

/** RESOURCE_EXHAUSTED (8) and UNAVAILABLE (14) are refusals a client retries. */
function grpcOutcome(status: string | undefined): SendOutcome {
  if (status === '0') return 'ok';
  return status === '8' || status === '14' ? 'refused' : 'failed';
}
