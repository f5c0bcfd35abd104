import http, { type Agent, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders, type RequestOptions } from 'node:http';
import https from 'node:https';
import type { AttemptContext, AttemptResult } from './transport.js';

/** Where and how an HTTP transport POSTs: fixed per exporter. */
export interface HttpPostTarget {
  url: URL;
  /** `http.request` or `https.request`, matching the URL's scheme. */
  request: (url: URL, options: RequestOptions) => ClientRequest;
  /** A keep-alive agent owned by the transport, destroyed on its `close()`. */
  agent: Agent;
  /** Every header but `content-length`, which is set per body. */
  headers: OutgoingHttpHeaders;
}

/** A target with a keep-alive agent of the URL's scheme (http: or https:, system CAs). */
export function httpPostTarget(url: URL, headers: OutgoingHttpHeaders): HttpPostTarget {
  const secure = url.protocol === 'https:';
  return {
    url,
    request: secure ? https.request : http.request,
    agent: secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true }),
    headers,
  };
}

/**
 * One POST of a prepared body, for every HTTP transport: the per-attempt
 * timeout and the shutdown abort live here once. Resolves with what
 * `readResponse` makes of the response; a network error, a timeout, an abort
 * or a connection that breaks while the response is read is a retryable
 * failure. Never rejects.
 */
export function postAttempt(
  target: HttpPostTarget,
  body: Buffer,
  context: AttemptContext,
  readResponse: (response: IncomingMessage) => Promise<AttemptResult>,
): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const request = target.request(target.url, { method: 'POST', agent: target.agent, headers: { ...target.headers, 'content-length': body.length } });
    const timer = context.timeoutMillis > 0 ? setTimeout(() => stop(`timed out after ${context.timeoutMillis} ms`), context.timeoutMillis) : undefined;
    const onAbort = (): void => stop('aborted by shutdown');
    context.signal.addEventListener('abort', onAbort, { once: true });

    let settled = false;
    const finish = (result: AttemptResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      context.signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    // Settles first, so the error the destroyed request emits next is ignored.
    function stop(reason: string): void {
      finish({ kind: 'failed', retryable: true, reason });
      request.destroy();
    }

    request.on('error', (error: NodeJS.ErrnoException) => {
      finish({ kind: 'failed', retryable: true, reason: `network error: ${error.code ?? error.message}` });
    });
    request.on('response', (response) => {
      readResponse(response).then(finish, (error: NodeJS.ErrnoException) =>
        finish({ kind: 'failed', retryable: true, reason: `response interrupted: ${error.code ?? error.message}` }),
      );
    });
    if (context.signal.aborted) onAbort();
    else request.end(body);
  });
}
