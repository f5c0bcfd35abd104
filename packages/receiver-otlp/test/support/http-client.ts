import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ListenAddress } from '../../src/config.js';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpCall {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Send the headers only and keep the body open, as a client still uploading. */
  withholdBody?: boolean;
  /** Call over HTTPS, trusting `ca`, presenting `cert` and `key` when given. */
  tls?: ClientTls;
}

/** What a test client brings to a TLS handshake. */
export interface ClientTls {
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

const CALL_TIMEOUT_MS = 10_000;

/**
 * One HTTP or HTTPS exchange on a fresh connection to 127.0.0.1. Resolves with the
 * answer as soon as it has been read, even while the body is still being
 * sent; errors after that (the server closing early) are expected and ignored.
 */
export function callHttp(address: ListenAddress, call: HttpCall): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const options = {
      host: '127.0.0.1',
      port: address.port,
      method: call.method ?? 'POST',
      path: call.path ?? '/v1/metrics',
      headers: call.headers ?? {},
      agent: false,
      timeout: CALL_TIMEOUT_MS,
    };
    const send = call.tls === undefined ? httpRequest : httpsRequest;
    const req = send(
      call.tls === undefined ? options : { ...options, ca: call.tls.ca, cert: call.tls.cert, key: call.tls.key },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          settled = true;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
          req.destroy();
        });
        res.on('error', (error) => {
          if (!settled) reject(error);
        });
      },
    );
    req.on('error', (error) => {
      if (!settled) reject(error);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${CALL_TIMEOUT_MS} ms`)));
    if (call.withholdBody === true) req.flushHeaders();
    else req.end(call.body);
  });
}
