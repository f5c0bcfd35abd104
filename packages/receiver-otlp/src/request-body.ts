import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { GZIP_RATIO_FLOOR_BYTES } from './config.js';
import type { ReceiverLimits } from './config.js';
import { RequestBodyError } from './errors.js';

/** The `Content-Encoding` values the receiver inflates. */
export type ContentEncoding = 'identity' | 'gzip';

// Echoing a whole hostile header back would let a client inflate our answers.
const MAX_ECHOED_HEADER_CHARS = 64;
/**
 * Output step of the gzip inflater. Each step is a round trip to zlib's
 * thread; zlib's default of 16 KiB made 13 of them for a 205 KB body, and
 * 64 KiB cuts its inflation from about 450 to 260 µs of CPU, as fast as
 * one synchronous call. It also bounds the overshoot past the size limit.
 */
const INFLATE_CHUNK_BYTES = 64 * 1024;

/**
 * Reads a `Content-Encoding` header: absent, empty or `identity` mean no
 * compression; `gzip` (or its old alias `x-gzip`) is inflated.
 * @throws {RequestBodyError} RECEIVER_UNSUPPORTED_ENCODING for anything else.
 */
export function parseContentEncoding(header: string | undefined): ContentEncoding {
  const value = (header ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  const shown = value.length > MAX_ECHOED_HEADER_CHARS ? `${value.slice(0, MAX_ECHOED_HEADER_CHARS)}…` : value;
  throw new RequestBodyError(
    'RECEIVER_UNSUPPORTED_ENCODING',
    `Content-Encoding "${shown}" is not supported, supported: gzip, identity`,
  );
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
 * Reads a whole request body, inflating gzip as it streams in. Both the bytes
 * received and the bytes inflated are limited to `maxRequestBytes`: reading stops at
 * the first chunk that would cross the limit, so a gzip bomb never inflates
 * (nor holds) more than `maxRequestBytes` plus one zlib chunk (64 KiB).
 *
 * Once more than {@link GZIP_RATIO_FLOOR_BYTES} have been inflated, the
 * inflated size may not pass `maxGzipRatio` times the compressed bytes
 * received so far. Received bytes run ahead of those inflated, so the ratio
 * measured is never above the true one: no honest body is refused early.
 *
 * On failure the source is left paused and unread; the caller answers and
 * closes the connection.
 * @throws {RequestBodyError} TOO_LARGE, GZIP_RATIO_EXCEEDED, BAD_COMPRESSION,
 * or BODY_ABORTED when the source breaks off.
 */
export function readRequestBody(
  source: Readable,
  encoding: ContentEncoding,
  limits: Pick<ReceiverLimits, 'maxRequestBytes' | 'maxGzipRatio'>,
): Promise<Buffer> {
  const { maxRequestBytes: maxBytes, maxGzipRatio } = limits;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let received = 0;
    let sourceEnded = false;
    let settled = false;
    const inflater = encoding === 'gzip' ? createGunzip({ chunkSize: INFLATE_CHUNK_BYTES }) : undefined;

    const settle = (error?: RequestBodyError): void => {
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
      reject(error);
    };

    const tooLarge = (): RequestBodyError =>
      new RequestBodyError(
        'RECEIVER_BODY_TOO_LARGE',
        encoding === 'gzip'
          ? `request body exceeds the limit of ${maxBytes} bytes after decompression`
          : `request body exceeds the limit of ${maxBytes} bytes`,
      );

    const ratioExceeded = (): RequestBodyError =>
      new RequestBodyError(
        'RECEIVER_GZIP_RATIO_EXCEEDED',
        `gzip request body inflated to ${kept} bytes from ${received} compressed bytes, ` +
          `more than the limit of ${maxGzipRatio} times (--max-gzip-ratio)`,
      );

    function onSourceData(chunk: Buffer): void {
      received += chunk.length;
      if (received > maxBytes) settle(tooLarge());
    }

    function onBodyData(chunk: Buffer): void {
      if (settled) return;
      if (kept + chunk.length > maxBytes) {
        settle(tooLarge());
        return;
      }
      chunks.push(chunk);
      kept += chunk.length;
      if (inflater !== undefined && kept > GZIP_RATIO_FLOOR_BYTES && kept > maxGzipRatio * received) settle(ratioExceeded());
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

    if (inflater === undefined) {
      source.on('data', onBodyData);
      source.on('end', () => settle());
      return;
    }
    source.on('data', onSourceData);
    inflater.on('data', onBodyData);
    inflater.on('end', () => settle());
    inflater.on('error', (error: Error) => {
      settle(new RequestBodyError('RECEIVER_BAD_COMPRESSION', `request body is not valid gzip: ${error.message}`));
    });
    source.pipe(inflater);
  });
}

function aborted(): RequestBodyError {
  return new RequestBodyError('RECEIVER_BODY_ABORTED', 'the client closed the connection before the body ended');
}
