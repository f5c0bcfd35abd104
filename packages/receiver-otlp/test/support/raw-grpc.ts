import { connect, constants } from 'node:http2';
import type { ClientHttp2Session, IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { once } from 'node:events';
import { METRICS_EXPORT_GRPC_PATH } from '@otel-dp/otlp';
import type { ListenAddress } from '../../src/config.js';

/** How long one raw call may take before the test gives up on it. */
const CALL_TIMEOUT_MS = 15_000;

/** A gRPC answer as it came off the wire, for calls no gRPC client would make. */
export interface RawGrpcAnswer {
  /** `grpc-status` from the trailers (or a trailers-only answer); undefined when the stream was reset first. */
  code: number | undefined;
  /** `grpc-message`, percent-decoded. */
  message: string;
  /** Every header and trailer received, trailers last. */
  headers: IncomingHttpHeaders;
  /** The RST_STREAM code when the server reset the stream, else 0. */
  rstCode: number;
}

/** One HTTP/2 connection to the gRPC listener, closed with `close()`. */
export async function openGrpcSession(address: ListenAddress): Promise<ClientHttp2Session> {
  const session = connect(`http://127.0.0.1:${address.port}`);
  session.on('error', () => undefined);
  await once(session, 'connect');
  return session;
}

/** A gRPC length-prefixed message: the compressed flag, the length (big-endian), the bytes. */
export function grpcFrame(message: Uint8Array, compressed: boolean, declaredLength = message.length): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt8(compressed ? 1 : 0, 0);
  prefix.writeUInt32BE(declaredLength, 1);
  return Buffer.concat([prefix, message]);
}

/**
 * Sends `body` (framed by the caller, so frames may be malformed) on one
 * MetricsService/Export stream with the given extra headers, and reads the
 * answer up to its trailers or reset.
 */
export function rawGrpcCall(
  session: ClientHttp2Session,
  body: Uint8Array,
  headers: OutgoingHttpHeaders = {},
  timeoutMs = CALL_TIMEOUT_MS,
): Promise<RawGrpcAnswer> {
  return new Promise<RawGrpcAnswer>((resolve, reject) => {
    const stream = session.request({
      ':method': 'POST',
      ':path': METRICS_EXPORT_GRPC_PATH,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...headers,
    });
    const received: IncomingHttpHeaders = {};
    const timer = setTimeout(() => {
      stream.close(constants.NGHTTP2_CANCEL);
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    stream.on('response', (h) => Object.assign(received, h));
    stream.on('trailers', (h) => Object.assign(received, h));
    // The answer may come before the whole body is sent; writing then fails, which is expected.
    stream.on('error', () => undefined);
    stream.on('data', () => undefined);
    stream.on('close', () => {
      clearTimeout(timer);
      const status = received['grpc-status'];
      const message = received['grpc-message'];
      resolve({
        code: status === undefined ? undefined : Number(status),
        message: typeof message === 'string' ? decodeURIComponent(message) : '',
        headers: received,
        rstCode: stream.rstCode ?? 0,
      });
    });
    stream.end(Buffer.from(body));
  });
}
