import type { Readable } from 'node:stream';
import { createGunzip, gunzipSync, type Gunzip } from 'node:zlib';
import { GZIP_RATIO_FLOOR_BYTES } from './config.js';
import type { ReceiverLimits } from './config.js';
import { ReceiverBusyError, RequestBodyError } from './errors.js';
import { fieldName, type ReceiverSettingName } from './config.js';
import type { InflightHold } from './inflight-bytes.js';

/** The `Content-Encoding` values the receiver inflates. */
export type ContentEncoding = 'identity' | 'gzip';

/**
 * Output step of the gzip inflater. Each step is a round trip to zlib's
 * thread; zlib's default of 16 KiB made 13 of them for a 205 KB body, and
 * 64 KiB cuts its inflation from about 450 to 260 µs of CPU. It also bounds
 * the overshoot past the size limit.
 */
const INFLATE_CHUNK_BYTES = 64 * 1024;
/**
 * Compressed bodies up to this size are inflated in one synchronous call
 * once they have arrived; larger ones stream through zlib's threads. On a
 * sidecar's one core, handing a small body's inflation to another thread
 * cost more than the inflation: the bench's gzip rows ran at 0.61 of the
 * plain rows' rate with streaming, and at 1.0 with one call (3 runs each).
 * What one call may inflate is fixed before it starts (the ratio limit times
 * the bytes received, within the size limit), so with the default ratio a
 * call inflates at most 6.4 MB.
 */
export const INFLATE_AT_ONCE_MAX_BYTES = 64 * 1024;

/**
 * Reads a `Content-Encoding` header: absent, empty or `identity` mean no
 * compression; `gzip` (or its old alias `x-gzip`) is inflated.
 * @throws {RequestBodyError} RECEIVER_UNSUPPORTED_ENCODING for anything else.
 */
export function parseContentEncoding(header: string | undefined): ContentEncoding {
  const value = (header ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  // Not quoted: a header is the client's text and may carry a token.
  throw new RequestBodyError('RECEIVER_UNSUPPORTED_ENCODING', 'Content-Encoding is not supported, supported: gzip, identity');
}

/**
 * Refuses a body whose declared `Content-Length` is already over the limit,
 * before a byte of it is read.
 * @throws {RequestBodyError} RECEIVER_BODY_TOO_LARGE
 */
export function checkDeclaredLength(header: string | undefined, maxBytes: number): void {
  if (header === undefined) return;
  const declared = Number(header);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new RequestBodyError(
      'RECEIVER_BODY_TOO_LARGE',
      `request body of ${declared} bytes exceeds the limit of ${maxBytes} bytes`,
    );
  }
}

/**
 * Reads a whole request body, inflating gzip. Both the bytes received and the
 * bytes inflated are limited to `maxRequestBytes`: reading stops at the first
 * chunk that would cross the limit, so a gzip bomb never inflates (nor holds)
 * more than `maxRequestBytes` plus one zlib chunk (64 KiB).
 *
 * Once more than {@link GZIP_RATIO_FLOOR_BYTES} have been inflated, the
 * inflated size may not pass `maxGzipRatio` times the compressed bytes
 * received so far. A body of at most {@link INFLATE_AT_ONCE_MAX_BYTES}
 * compressed is inflated whole once it has arrived, and never past what
 * these limits allow it. A larger one is inflated as it streams in; received
 * bytes run ahead of those inflated, so the ratio measured is never above
 * the true one: no honest body is refused early.
 *
 * Every byte received and every byte inflated is taken from `hold` before
 * it is kept (a one-call inflation takes its whole bound first), so the
 * bytes of all requests in flight stay within their shared budget; the
 * caller releases the hold once it has answered. With `receivedHeld` the
 * caller has already taken the bytes received.
 *
 * On failure the source is left paused and unread; the caller answers and
 * closes the connection.
 * @throws {RequestBodyError} TOO_LARGE, GZIP_RATIO_EXCEEDED, BAD_COMPRESSION,
 * or BODY_ABORTED when the source breaks off.
 * @throws {ReceiverBusyError} when the budget of `hold` has no room left.
 */
export function readRequestBody(
  source: Readable,
  encoding: ContentEncoding,
  limits: Pick<ReceiverLimits, 'maxRequestBytes' | 'maxGzipRatio'> & { settingName?: ReceiverSettingName },
  hold: InflightHold,
  options: { receivedHeld?: boolean } = {},
): Promise<Buffer> {
  const gzipRatioName = (limits.settingName ?? fieldName)('maxGzipRatio');
  const receivedHeld = options.receivedHeld === true;
  const { maxRequestBytes: maxBytes, maxGzipRatio } = limits;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let received = 0;
    let sourceEnded = false;
    let settled = false;
    // Created only when a gzip body outgrows INFLATE_AT_ONCE_MAX_BYTES.
    let inflater: Gunzip | undefined;
    const compressed: Buffer[] = [];

    const settle = (error?: RequestBodyError | ReceiverBusyError): void => {
      if (settled) return;
      settled = true;
      source.off('data', onSourceData);
      if (inflater !== undefined) {
        source.unpipe(inflater);
        inflater.off('data', onBodyData);
        inflater.destroy();
      } else {
        source.off('data', onBodyData);
      }
      if (error === undefined) {
        resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, kept));
        return;
      }
      source.pause();
      chunks.length = 0;
      compressed.length = 0;
      reject(error);
    };

    const tooLarge = (): RequestBodyError =>
      new RequestBodyError(
        'RECEIVER_BODY_TOO_LARGE',
        encoding === 'gzip'
          ? `request body exceeds the limit of ${maxBytes} bytes after decompression`
          : `request body exceeds the limit of ${maxBytes} bytes`,
      );

    // `inflated` says how far it got: "N bytes", or "more than N bytes" when one call stopped at its bound.
    const ratioExceeded = (inflated: string): RequestBodyError =>
      new RequestBodyError(
        'RECEIVER_GZIP_RATIO_EXCEEDED',
        `gzip request body inflated to ${inflated} from ${received} compressed bytes, ` +
          `more than the limit of ${maxGzipRatio} times (${gzipRatioName})`,
      );

    const badCompression = (error: Error): RequestBodyError =>
      new RequestBodyError('RECEIVER_BAD_COMPRESSION', `request body is not valid gzip: ${error.message}`);

    function onSourceData(chunk: Buffer): void {
      received += chunk.length;
      if (received > maxBytes) return settle(tooLarge());
      if (!receivedHeld && !hold.take(chunk.length)) return settle(new ReceiverBusyError(hold.limit, hold.limitName));
      if (inflater !== undefined) return;
      compressed.push(chunk);
      if (received > INFLATE_AT_ONCE_MAX_BYTES) startStreaming();
    }

    function startStreaming(): void {
      const streaming = createGunzip({ chunkSize: INFLATE_CHUNK_BYTES });
      inflater = streaming;
      streaming.on('data', onBodyData);
      streaming.on('end', () => settle());
      streaming.on('error', (error: Error) => settle(badCompression(error)));
      for (const chunk of compressed.splice(0)) streaming.write(chunk);
      source.pipe(streaming);
    }

    function inflateAtOnce(): void {
      const ratioBound = Math.max(GZIP_RATIO_FLOOR_BYTES, Math.floor(maxGzipRatio * received));
      const allowed = Math.min(maxBytes, ratioBound);
      // The call may fill its whole bound before it can be stopped.
      if (!hold.take(allowed)) return settle(new ReceiverBusyError(hold.limit, hold.limitName));
      let body: Buffer;
      try {
        body = gunzipSync(Buffer.concat(compressed, received), { maxOutputLength: allowed, chunkSize: INFLATE_CHUNK_BYTES });
      } catch (error) {
        // zlib throws only Errors; rethrowing anything here would escape an event handler and end the process.
        const failure = error as NodeJS.ErrnoException;
        hold.give(allowed);
        if (failure.code !== 'ERR_BUFFER_TOO_LARGE') return settle(badCompression(failure));
        return settle(maxBytes <= ratioBound ? tooLarge() : ratioExceeded(`more than ${allowed} bytes`));
      }
      hold.give(allowed - body.length);
      compressed.length = 0;
      chunks.push(body);
      kept = body.length;
      settle();
    }

    function onBodyData(chunk: Buffer): void {
      if (settled) return;
      if (kept + chunk.length > maxBytes) {
        settle(tooLarge());
        return;
      }
      const alreadyHeld = receivedHeld && encoding === 'identity';
      if (!alreadyHeld && !hold.take(chunk.length)) {
        settle(new ReceiverBusyError(hold.limit, hold.limitName));
        return;
      }
      chunks.push(chunk);
      kept += chunk.length;
      if (inflater !== undefined && kept > GZIP_RATIO_FLOOR_BYTES && kept > maxGzipRatio * received) settle(ratioExceeded(`${kept} bytes`));
    }

    // The error listeners stay for the life of the streams: an 'error' with
    // no listener would bring the whole process down.
    source.on('error', () => settle(aborted()));
    source.on('end', () => {
      sourceEnded = true;
    });
    source.on('close', () => {
      if (!sourceEnded) settle(aborted());
    });

    if (encoding === 'identity') {
      source.on('data', onBodyData);
      source.on('end', () => settle());
      return;
    }
    source.on('data', onSourceData);
    source.on('end', () => {
      if (inflater === undefined && !settled) inflateAtOnce();
    });
  });
}

function aborted(): RequestBodyError {
  return new RequestBodyError('RECEIVER_BODY_ABORTED', 'the client closed the connection before the body ended');
}
