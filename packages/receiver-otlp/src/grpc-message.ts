import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import type { ReceiverLimits } from './config.js';
import { ReceiverBusyError, RequestBodyError } from './errors.js';
import type { InflightHold } from './inflight-bytes.js';
import { POOLED_MESSAGE_MAX_BYTES, allocateMessageBuffer, giveMessageBuffer, takeIdleMessageBuffer } from './grpc-message-pool.js';
import { readRequestBody } from './request-body.js';
import type { ReceiverSettingName } from './config.js';

/** The `grpc-encoding` values the receiver inflates; any other is answered UNIMPLEMENTED. */
export type GrpcEncoding = 'identity' | 'gzip';

/** What the receiver announces in `grpc-accept-encoding`. */
export const GRPC_ACCEPT_ENCODING = 'identity,gzip';

/** A Length-Prefixed-Message starts with a compressed flag (1 byte) and a big-endian length (4 bytes). */
const PREFIX_BYTES = 5;

/**
 * Reads a `grpc-encoding` header: absent or `identity` mean the message is
 * not compressed, `gzip` that it may be. Undefined for anything else.
 */
export function parseGrpcEncoding(header: string | string[] | undefined): GrpcEncoding | undefined {
  const value = (Array.isArray(header) ? header.join(',') : (header ?? '')).trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip') return 'gzip';
  return undefined;
}

/**
 * Reads the one Length-Prefixed-Message of a unary call from its request
 * stream and returns it uncompressed. The message is inflated here, not in
 * a gRPC library, so that it meets the same limits as an OTLP/HTTP body:
 * `maxRequestBytes` on the declared and the inflated size, `maxGzipRatio`
 * while inflating, and every byte received or inflated taken from `hold`
 * before it is kept.
 *
 * An uncompressed message of up to {@link POOLED_MESSAGE_MAX_BYTES} is read
 * into a reused buffer: give it back with `giveMessageBuffer` once the call
 * is answered.
 *
 * On failure the stream is left paused; the caller answers and ends it.
 * @throws {RequestBodyError} RECEIVER_BAD_GRPC_FRAME (no message, one cut
 * short, bytes after it, a compressed flag without `grpc-encoding`),
 * RECEIVER_BODY_TOO_LARGE, RECEIVER_GZIP_RATIO_EXCEEDED,
 * RECEIVER_BAD_COMPRESSION, or RECEIVER_BODY_ABORTED when the client resets the stream.
 * @throws {ReceiverBusyError} when `hold`'s budget has no room left.
 */
export async function readGrpcMessage(
  stream: Readable,
  encoding: GrpcEncoding,
  limits: Pick<ReceiverLimits, 'maxRequestBytes' | 'maxGzipRatio'> & { settingName?: ReceiverSettingName },
  hold: InflightHold,
): Promise<Buffer> {
  const { compressed, payload } = await readFrame(stream, encoding, limits.maxRequestBytes, hold);
  if (!compressed) return payload;
  const source = new PassThrough();
  source.end(payload);
  return readRequestBody(source, 'gzip', limits, hold, { receivedHeld: true });
}

function readFrame(stream: Readable, encoding: GrpcEncoding, maxBytes: number, hold: InflightHold): Promise<{ compressed: boolean; payload: Buffer }> {
  return new Promise((resolve, reject) => {
    const prefix = Buffer.alloc(PREFIX_BYTES);
    let prefixHave = 0;
    let compressed = false;
    let declared = 0;
    const chunks: Buffer[] = [];
    // Set when the message is read into a reused buffer rather than collected in chunks.
    let whole: Buffer | undefined;
    let payloadHave = 0;
    let settled = false;

    const finish = (error?: RequestBodyError | ReceiverBusyError): void => {
      if (settled) return;
      settled = true;
      stream.off('data', onData);
      if (error !== undefined) {
        stream.pause();
        chunks.length = 0;
        if (whole !== undefined) giveMessageBuffer(whole);
        reject(error);
        return;
      }
      resolve({ compressed, payload: whole ?? gather(chunks, payloadHave, compressed) });
    };

    const onData = (chunk: Buffer): void => {
      if (!hold.take(chunk.length)) return finish(new ReceiverBusyError(hold.limit));
      let offset = 0;
      if (prefixHave < PREFIX_BYTES) {
        offset = Math.min(PREFIX_BYTES - prefixHave, chunk.length);
        chunk.copy(prefix, prefixHave, 0, offset);
        prefixHave += offset;
        if (prefixHave < PREFIX_BYTES) return;
        const failure = checkPrefix();
        if (failure !== undefined) return finish(failure);
      }
      if (offset === chunk.length) return;
      payloadHave += chunk.length - offset;
      if (payloadHave > declared) {
        return finish(frameError('the call carries bytes after its request message; MetricsService/Export takes exactly one message'));
      }
      if (whole !== undefined) chunk.copy(whole, payloadHave - (chunk.length - offset), offset);
      else chunks.push(offset === 0 ? chunk : chunk.subarray(offset));
    };

    function checkPrefix(): RequestBodyError | undefined {
      const flag = prefix[0];
      declared = prefix.readUInt32BE(1);
      if (flag > 1) return frameError('the compressed flag of the message prefix must be 0 or 1');
      compressed = flag === 1;
      if (compressed && encoding === 'identity') {
        return frameError('the message is marked compressed but the call has no grpc-encoding; send grpc-encoding: gzip with it');
      }
      if (declared > maxBytes) {
        return new RequestBodyError('RECEIVER_BODY_TOO_LARGE', `request message of ${declared} bytes exceeds the limit of ${maxBytes} bytes`);
      }
      if (!compressed && declared > 0 && declared <= POOLED_MESSAGE_MAX_BYTES) whole = takeIdleMessageBuffer(declared);
      return undefined;
    }

    stream.on('data', onData);
    // The listener stays for the life of the stream: an 'error' with none would end the process.
    stream.on('error', () => finish(aborted()));
    stream.on('end', () => {
      if (prefixHave === 0) return finish(frameError('the call ended without a request message'));
      if (prefixHave < PREFIX_BYTES) return finish(frameError(`the call ended inside the 5-byte message prefix, after ${prefixHave} bytes`));
      if (payloadHave < declared) {
        return finish(frameError(`the request message was cut short: ${payloadHave} of the ${declared} bytes its prefix declares arrived`));
      }
      finish();
    });
    stream.on('close', () => finish(aborted()));
  });
}

/**
 * The message from its chunks once all have arrived. An uncompressed one of
 * poolable size goes into a buffer that later calls will read into as their
 * bytes arrive; the chunks were no larger in total.
 */
function gather(chunks: Buffer[], size: number, compressed: boolean): Buffer {
  if (compressed || size === 0 || size > POOLED_MESSAGE_MAX_BYTES) return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
  const payload = allocateMessageBuffer(size);
  let at = 0;
  for (const chunk of chunks) {
    payload.set(chunk, at);
    at += chunk.length;
  }
  return payload;
}

function frameError(message: string): RequestBodyError {
  return new RequestBodyError('RECEIVER_BAD_GRPC_FRAME', message);
}

function aborted(): RequestBodyError {
  return new RequestBodyError('RECEIVER_BODY_ABORTED', 'the client reset the call before its message ended');
}
