import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeRpcStatus, encodeRpcStatusJson } from '@otel-dp/otlp';
import { RequestBodyError } from './errors.js';
import type { ExchangeContext } from './exchange.js';
import { httpOutcome } from './receiver-stats.js';
import type { TransportCounters } from './receiver-stats.js';
import { checkDeclaredLength, parseContentEncoding, readRequestBody } from './request-body.js';
import type { ExportProgress } from './exchange.js';
import type { BodyFormat, SignalName } from './signal-name.js';
import { describeHttpPaths } from './signals.js';
import { INTERNAL_ERROR_MESSAGE, isKnownError, toGrpcStatus, toHttpStatus } from './status-mapping.js';
import { describeUnexpected, errorCode } from './unexpected-error.js';

const CONTENT_TYPES: Record<BodyFormat, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

// The collector's wording, so that clients and operators see familiar text.
/** The largest unread body drained after an answer instead of closing the connection. */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
const DRAIN_MILLIS = 5_000;
const UNSUPPORTED_MEDIA_TYPE = 'unsupported media type, supported: [application/json, application/x-protobuf]';

/**
 * Answers one request to the OTLP/HTTP listener. Every failure becomes an
 * answer to this request alone (or, when the client is gone, a log line), so
 * other requests keep flowing; it rejects only if even the 500 cannot be written.
 */
export async function handleHttpExchange(req: IncomingMessage, res: ServerResponse, context: ExchangeContext): Promise<void> {
  try {
    await answer(req, res, context);
  } catch (error) {
    // Reached only when writing an answer failed: the response may be half sent.
    context.logger.error('OTLP/HTTP answer failed', describeUnexpected(error));
    if (res.headersSent) res.destroy();
    else sendText(req, res, 500, INTERNAL_ERROR_MESSAGE);
  }
}

async function answer(req: IncomingMessage, res: ServerResponse, context: ExchangeContext): Promise<void> {
  const { counters, limits } = context;
  const path = (req.url ?? '').split('?', 1)[0];
  const signal = context.signals.find((served) => served.httpPath === path);
  if (signal === undefined) {
    counters.answered('refused', 0);
    sendText(req, res, 404, `no OTLP endpoint at this path, ${describeHttpPaths(context.signals)}`);
    return;
  }
  if (req.method !== 'POST') {
    counters.answered('refused', 0);
    res.setHeader('Allow', 'POST');
    sendText(req, res, 405, `method ${req.method ?? ''} is not allowed, use POST`);
    return;
  }
  const format = bodyFormat(req.headers['content-type']);
  if (format === undefined) {
    counters.answered('refused', 0);
    sendText(req, res, 415, UNSUPPORTED_MEDIA_TYPE);
    return;
  }
  const progress: ExportProgress = { items: 0 };
  const hold = context.inflight.hold();
  try {
    const encoding = parseContentEncoding(req.headers['content-encoding']);
    checkDeclaredLength(req.headers['content-length'], limits.maxRequestBytes);
    countReceivedBytes(req, counters);
    const body = await readRequestBody(req, encoding, limits, hold);
    const { encoded, rejected } = await signal.exportBody(body, format, context, hold, progress);
    counters.answered('success', progress.items, rejected, signal.name);
    sendBody(req, res, 200, CONTENT_TYPES[format], encoded);
  } catch (error) {
    answerFailure(req, res, format, error, progress.items, signal.name, context);
  } finally {
    hold.release();
  }
}

// Counted as the bytes arrive, so that refused bodies count as far as they were read.
function countReceivedBytes(req: IncomingMessage, counters: TransportCounters): void {
  req.on('data', (chunk: Buffer) => {
    counters.bytesReceived += chunk.length;
  });
}

function answerFailure(
  req: IncomingMessage,
  res: ServerResponse,
  format: BodyFormat,
  error: unknown,
  items: number,
  signal: SignalName,
  context: ExchangeContext,
): void {
  const { counters, logger } = context;
  if (error instanceof RequestBodyError && error.code === 'RECEIVER_BODY_ABORTED') {
    counters.answered('refused', items, 0, signal);
    logger.debug('OTLP/HTTP client went away before the body ended');
    return;
  }
  const failure = toHttpStatus(error);
  counters.answered(httpOutcome(failure.status), items, 0, signal);
  if (!isKnownError(error)) logger.error('OTLP/HTTP request failed', describeUnexpected(error));
  // Codes only: decoder messages may quote the client's data.
  else logger.debug('OTLP/HTTP request refused', { status: failure.status, code: errorCode(error) });
  if (failure.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(failure.retryAfterSeconds));
  const status = { code: toGrpcStatus(error).code, message: failure.message, details: [] };
  const encoded = format === 'json' ? encodeRpcStatusJson(status) : encodeRpcStatus(status);
  sendBody(req, res, failure.status, CONTENT_TYPES[format], encoded);
}

/** The body format named by a Content-Type header; parameters such as charset are ignored. */
function bodyFormat(header: string | undefined): BodyFormat | undefined {
  const mediaType = (header ?? '').split(';', 1)[0].trim().toLowerCase();
  if (mediaType === CONTENT_TYPES.protobuf) return 'protobuf';
  if (mediaType === CONTENT_TYPES.json) return 'json';
  return undefined;
}

function sendText(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  sendBody(req, res, status, 'text/plain; charset=utf-8', text);
}

function sendBody(req: IncomingMessage, res: ServerResponse, status: number, contentType: string, body: Uint8Array | string): void {
  if (!req.complete) {
    if (drainable(req)) closeUnlessDrained(req, res);
    else res.setHeader('Connection', 'close');
  }
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  res.end(body);
}

/**
 * Whether the rest of an unanswered body is read and thrown away after the
 * answer (Node does so for a request never read from) rather than the
 * connection closed. Closing under a client still writing resets the
 * connection, and the client then often sees a broken pipe instead of the
 * answer (a 413 turns into a retry). Only an untouched body of a declared
 * length up to DRAIN_MAX_BYTES is drained, for at most DRAIN_MILLIS: a body
 * partly read, or of no or a larger declared length, closes the connection,
 * which bounds the work.
 */
function drainable(req: IncomingMessage): boolean {
  if (req.readableDidRead) return false;
  const length = Number(req.headers['content-length']);
  return Number.isSafeInteger(length) && length <= DRAIN_MAX_BYTES;
}

function closeUnlessDrained(req: IncomingMessage, res: ServerResponse): void {
  // Node would otherwise answer `Connection: close` and close as soon as the
  // answer is written, before the body is drained.
  res.shouldKeepAlive = true;
  res.once('finish', () => {
    if (req.complete) return;
    const timer = setTimeout(() => req.socket.destroy(), DRAIN_MILLIS);
    timer.unref();
    req.once('end', () => clearTimeout(timer));
    req.once('close', () => clearTimeout(timer));
  });
}
