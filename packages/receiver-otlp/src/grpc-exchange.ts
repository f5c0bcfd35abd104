import { constants } from 'node:http2';
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { status as GrpcCode } from '@grpc/grpc-js';
import { encodeRpcStatus, retryInfoDetail } from '@otel-dp/otlp';
import { RequestBodyError } from './errors.js';
import type { ExchangeContext } from './exchange.js';
import { GRPC_ACCEPT_ENCODING, parseGrpcEncoding, readGrpcMessage } from './grpc-message.js';
import { giveMessageBuffer } from './grpc-message-pool.js';
import { grpcOutcome } from './receiver-stats.js';
import type { ExportProgress } from './exchange.js';
import { isKnownError, toGrpcStatus } from './status-mapping.js';
import type { GrpcFailure } from './status-mapping.js';
import { describeUnexpected, errorCode } from './unexpected-error.js';

const GRPC_CONTENT_TYPE = 'application/grpc';
// Node copies the headers it is given, so every successful call can share these.
const RESPONSE_HEADERS: OutgoingHttpHeaders = Object.freeze({
  [constants.HTTP2_HEADER_STATUS]: 200,
  [constants.HTTP2_HEADER_CONTENT_TYPE]: GRPC_CONTENT_TYPE,
  'grpc-accept-encoding': GRPC_ACCEPT_ENCODING,
});
const OK_TRAILERS: OutgoingHttpHeaders = Object.freeze({ 'grpc-status': String(GrpcCode.OK) });
/** A full success encodes to an empty Export response (of either signal): its frame is the prefix alone, uncompressed, length 0. */
const EMPTY_MESSAGE_FRAME = Buffer.alloc(5);

/**
 * Answers one HTTP/2 stream of the OTLP/gRPC listener: a MetricsService/Export
 * or TraceService/Export call, or a refusal. Every failure becomes this call's status (or, when the
 * client is gone, a log line); it never rejects.
 */
export async function handleGrpcStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, context: ExchangeContext): Promise<void> {
  const { counters, logger } = context;
  // Errors on the stream also end it ('close'), which the reader reports; without a listener one would end the process.
  stream.on('error', () => undefined);
  const contentType = String(headers[constants.HTTP2_HEADER_CONTENT_TYPE] ?? '');
  if (headers[constants.HTTP2_HEADER_METHOD] !== 'POST' || !contentType.startsWith(GRPC_CONTENT_TYPE)) {
    // What the gRPC specification asks of a request that is not gRPC at all.
    counters.answered('refused', 0);
    logger.debug('OTLP/gRPC call refused', { status: 415, code: 'RECEIVER_NOT_GRPC' });
    respondAndEnd(stream, { [constants.HTTP2_HEADER_STATUS]: 415 });
    return;
  }
  const signal = context.signals.find((served) => served.grpcPath === headers[constants.HTTP2_HEADER_PATH]);
  if (signal === undefined) {
    const methods = context.signals.map((served) => served.grpcPath).join(' and ');
    refuseBeforeReading(stream, context, 'RECEIVER_UNKNOWN_METHOD', `unknown method, this server serves ${methods}`);
    return;
  }
  const encoding = parseGrpcEncoding(headers['grpc-encoding']);
  if (encoding === undefined) {
    // UNIMPLEMENTED with the encodings accepted, as the gRPC compression specification asks; the header is not quoted.
    refuseBeforeReading(stream, context, 'RECEIVER_UNSUPPORTED_ENCODING', `grpc-encoding is not supported, supported: ${GRPC_ACCEPT_ENCODING}`);
    return;
  }
  stream.on('data', (chunk: Buffer) => {
    counters.bytesReceived += chunk.length;
  });
  const progress: ExportProgress = { items: 0 };
  let body: Buffer | undefined;
  const hold = context.inflight.hold();
  try {
    body = await readGrpcMessage(stream, encoding, context.limits, hold);
    const { encoded, rejected } = await signal.exportBody(body, 'protobuf', context, hold, progress);
    counters.answered('success', progress.items, rejected, signal.name);
    // A protobuf answer is bytes.
    sendResponse(stream, encoded as Uint8Array);
  } catch (error) {
    if (error instanceof RequestBodyError && error.code === 'RECEIVER_BODY_ABORTED') {
      counters.answered('refused', progress.items, 0, signal.name);
      logger.debug('OTLP/gRPC client reset the call before its message ended');
      return;
    }
    const failure = toGrpcStatus(error);
    counters.answered(grpcOutcome(failure.code), progress.items, 0, signal.name);
    if (!isKnownError(error)) logger.error('OTLP/gRPC call failed', describeUnexpected(error));
    // Codes only: decoder messages may quote the client's data.
    else logger.debug('OTLP/gRPC call refused', { status: failure.code, code: errorCode(error) });
    sendStatus(stream, failure);
  } finally {
    // The decoded request copied what it keeps; the message's buffer can serve the next call.
    if (body !== undefined) giveMessageBuffer(body);
    hold.release();
  }
}

function refuseBeforeReading(stream: ServerHttp2Stream, context: ExchangeContext, code: string, message: string): void {
  context.counters.answered('refused', 0);
  context.logger.debug('OTLP/gRPC call refused', { status: GrpcCode.UNIMPLEMENTED, code });
  sendStatus(stream, { code: GrpcCode.UNIMPLEMENTED, message });
}

function sendResponse(stream: ServerHttp2Stream, message: Uint8Array): void {
  if (stream.destroyed || stream.closed) return;
  stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
  stream.once('wantTrailers', () => stream.sendTrailers(OK_TRAILERS));
  stream.end(message.byteLength === 0 ? EMPTY_MESSAGE_FRAME : lengthPrefixed(message));
}

function lengthPrefixed(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(5 + message.byteLength);
  frame.writeUInt8(0, 0);
  frame.writeUInt32BE(message.byteLength, 1);
  frame.set(message, 5);
  return frame;
}

/** A trailers-only answer: the status in the one HEADERS frame, as gRPC servers answer a call that fails before any message. */
function sendStatus(stream: ServerHttp2Stream, failure: GrpcFailure): void {
  const headers: OutgoingHttpHeaders = {
    [constants.HTTP2_HEADER_STATUS]: 200,
    [constants.HTTP2_HEADER_CONTENT_TYPE]: GRPC_CONTENT_TYPE,
    'grpc-accept-encoding': GRPC_ACCEPT_ENCODING,
    'grpc-status': String(failure.code),
    'grpc-message': percentEncode(failure.message),
  };
  if (failure.retryDelaySeconds !== undefined) {
    // Where gRPC clients read RetryInfo: a google.rpc.Status in the trailers.
    const status = { code: failure.code, message: failure.message, details: [retryInfoDetail(failure.retryDelaySeconds)] };
    headers['grpc-status-details-bin'] = Buffer.from(encodeRpcStatus(status)).toString('base64');
  }
  respondAndEnd(stream, headers);
}

/**
 * Sends `headers` as the whole answer. A request not read to its end is then
 * reset (NO_ERROR, as RFC 9113 §8.1 allows a server that has answered),
 * rather than read and thrown away.
 */
function respondAndEnd(stream: ServerHttp2Stream, headers: OutgoingHttpHeaders): void {
  if (stream.destroyed || stream.closed) return;
  stream.respond(headers, { endStream: true });
  if (!stream.readableEnded) stream.close(constants.NGHTTP2_NO_ERROR);
}

/**
 * `grpc-message` is percent-encoded UTF-8: every byte outside printable
 * ASCII, and `%` itself, as %XX (gRPC over HTTP/2, "Responses").
 */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
