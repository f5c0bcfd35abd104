import { Agent, request } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { METRICS_EXPORT_GRPC_PATH, METRICS_EXPORT_PATH } from '@otel-dp/otlp';
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
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

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
            path: METRICS_EXPORT_PATH,
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

function grpcSender(target: SenderTarget): RequestSender {
  const client = new grpc.Client(`${target.host}:${target.port}`, grpc.credentials.createInsecure(), {
    // 2 is gzip in grpc-js's compression algorithm numbering; 0 is identity.
    'grpc.default_compression_algorithm': target.gzip ? 2 : 0,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  });
  const identity = (bytes: Buffer): Buffer => bytes;
  return {
    send: (body) =>
      new Promise<SendOutcome>((resolve) => {
        const deadline = Date.now() + REQUEST_TIMEOUT_MILLIS;
        client.makeUnaryRequest(METRICS_EXPORT_GRPC_PATH, identity, identity, body, { deadline }, (error) => {
          if (error === null) return resolve('ok');
          const code = error.code;
          resolve(code === grpc.status.RESOURCE_EXHAUSTED || code === grpc.status.UNAVAILABLE ? 'refused' : 'failed');
        });
      }),
    close: () => client.close(),
  };
}
