import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { GZIP_RATIO_FLOOR_BYTES } from '../src/config.js';
import { RequestBodyError } from '../src/errors.js';
import { InflightBytes } from '../src/inflight-bytes.js';
import { INFLATE_AT_ONCE_MAX_BYTES, checkDeclaredLength, parseContentEncoding, readRequestBody } from '../src/request-body.js';
import { gzipBomb } from './support/gzip-bomb.js';

/** A hold on a budget no test here reaches; the budget itself is tested in inflight-bytes.test.ts. */
const unbounded = () => new InflightBytes(Number.MAX_SAFE_INTEGER).hold();

/** A source that serves `chunks` on demand and counts how many bytes were pulled from it. */
function countingSource(chunks: Buffer[]): { stream: Readable; pulled: () => number } {
  let next = 0;
  let pulled = 0;
  const stream = new Readable({
    read() {
      if (next === chunks.length) {
        this.push(null);
        return;
      }
      const chunk = chunks[next++];
      pulled += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

/** Limits with only a size: these tests are about `maxRequestBytes`. */
function sizeOnly(maxRequestBytes: number): { maxRequestBytes: number; maxGzipRatio: number } {
  return { maxRequestBytes, maxGzipRatio: Number.POSITIVE_INFINITY };
}

function splitIntoChunks(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

async function rejection(promise: Promise<unknown>): Promise<RequestBodyError> {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (reason: unknown) => reason,
  );
  assert.ok(error instanceof RequestBodyError, `expected RequestBodyError, got ${String(error)}`);
  return error;
}

describe('parseContentEncoding', () => {
  it('accepts identity and gzip in any case, and nothing else', () => {
    assert.equal(parseContentEncoding(undefined), 'identity');
    assert.equal(parseContentEncoding(''), 'identity');
    assert.equal(parseContentEncoding('Identity'), 'identity');
    assert.equal(parseContentEncoding(' GZIP '), 'gzip');
    assert.equal(parseContentEncoding('x-gzip'), 'gzip');
    for (const value of ['br', 'deflate', 'zstd', 'gzip, gzip', 'tok_live_9e1a77']) {
      assert.throws(() => parseContentEncoding(value), (error: unknown) => {
        assert.ok(error instanceof RequestBodyError);
        assert.equal(error.code, 'RECEIVER_UNSUPPORTED_ENCODING');
        assert.equal(error.message, 'Content-Encoding is not supported, supported: gzip, identity');
        return true;
      });
    }
  });

  it('does not echo a long header back in full', () => {
    const error = (() => {
      try {
        parseContentEncoding('x'.repeat(10_000));
      } catch (caught) {
        return caught as Error;
      }
      return assert.fail('expected a throw');
    })();
    assert.ok(error.message.length < 200, `message is ${error.message.length} characters`);
  });
});

describe('checkDeclaredLength', () => {
  it('refuses a declared length over the limit and lets the rest through', () => {
    checkDeclaredLength(undefined, 10);
    checkDeclaredLength('10', 10);
    assert.throws(() => checkDeclaredLength('11', 10), /request body of 11 bytes exceeds the limit of 10 bytes/);
  });
});

describe('readRequestBody', () => {
  it('returns an identity body whole, across chunks', async () => {
    const body = Buffer.from('0123456789abcdef');
    const source = countingSource(splitIntoChunks(body, 3));
    assert.deepEqual(await readRequestBody(source.stream, 'identity', sizeOnly(16), unbounded()), body);
  });

  it('inflates gzip', async () => {
    const body = Buffer.alloc(100_000, 7);
    const source = countingSource(splitIntoChunks(gzipSync(body), 1000));
    assert.deepEqual(await readRequestBody(source.stream, 'gzip', sizeOnly(100_000), unbounded()), body);
  });

  it('refuses an identity body one byte over the limit', async () => {
    const source = countingSource([Buffer.alloc(10), Buffer.alloc(7)]);
    const error = await rejection(readRequestBody(source.stream, 'identity', sizeOnly(16), unbounded()));
    assert.equal(error.code, 'RECEIVER_BODY_TOO_LARGE');
    assert.equal(error.message, 'request body exceeds the limit of 16 bytes');
  });

  it('refuses gzip whose inflated size is over the limit, though it is small on the wire', async () => {
    const compressed = gzipSync(Buffer.alloc(1025));
    assert.ok(compressed.length < 100);
    const error = await rejection(readRequestBody(countingSource([compressed]).stream, 'gzip', sizeOnly(1024), unbounded()));
    assert.equal(error.code, 'RECEIVER_BODY_TOO_LARGE');
    assert.equal(error.message, 'request body exceeds the limit of 1024 bytes after decompression');
  });

  it('stops inflating a 1 GiB gzip bomb soon after the limit', async () => {
    const bomb = gzipBomb(1024);
    const limit = 16 * 1024 * 1024;
    const source = countingSource(splitIntoChunks(bomb, 16 * 1024));
    const memoryBefore = process.memoryUsage().arrayBuffers;
    const error = await rejection(readRequestBody(source.stream, 'gzip', sizeOnly(limit), unbounded()));
    assert.equal(error.code, 'RECEIVER_BODY_TOO_LARGE');
    // 16 MiB of 1 GiB is 1/64 of the compressed stream; allow for read-ahead, and for what is gathered before streaming starts.
    assert.ok(source.pulled() < bomb.length / 16 + INFLATE_AT_ONCE_MAX_BYTES, `pulled ${source.pulled()} of ${bomb.length} compressed bytes`);
    assert.ok(process.memoryUsage().arrayBuffers - memoryBefore < 2 * limit, 'held on to more than the limit');
  });

  it('refuses a body that is not gzip', async () => {
    const error = await rejection(readRequestBody(countingSource([Buffer.from('plain text')]).stream, 'gzip', sizeOnly(1000), unbounded()));
    assert.equal(error.code, 'RECEIVER_BAD_COMPRESSION');
    assert.match(error.message, /^request body is not valid gzip: /);
  });

  it('refuses truncated gzip', async () => {
    const compressed = gzipSync(Buffer.alloc(5000, 1));
    const error = await rejection(readRequestBody(countingSource([compressed.subarray(0, compressed.length - 6)]).stream, 'gzip', sizeOnly(10_000), unbounded()));
    assert.equal(error.code, 'RECEIVER_BAD_COMPRESSION');
  });

  it('reports a source that breaks off before its end', async () => {
    const source = new PassThrough();
    const reading = readRequestBody(source, 'identity', sizeOnly(1000), unbounded());
    source.write(Buffer.from('partial'));
    source.destroy(new Error('socket reset'));
    const error = await rejection(reading);
    assert.equal(error.code, 'RECEIVER_BODY_ABORTED');
  });
});

describe('readRequestBody: gzip expansion ratio', () => {
  const limits = (maxGzipRatio: number) => ({ maxRequestBytes: 64 * 1024 * 1024, maxGzipRatio });

  it('refuses a gzip bomb soon after the floor, long before the size limit', async () => {
    const bomb = gzipBomb(1024);
    const source = countingSource(splitIntoChunks(bomb, 16 * 1024));
    const error = await rejection(readRequestBody(source.stream, 'gzip', limits(100), unbounded()));
    assert.equal(error.code, 'RECEIVER_GZIP_RATIO_EXCEEDED');
    assert.match(error.message, /^gzip request body inflated to \d+ bytes from \d+ compressed bytes, more than the limit of 100 times \(maxGzipRatio\)$/);
    // Inflation streams once more than INFLATE_AT_ONCE_MAX_BYTES have arrived, and one 16 KiB chunk of the
    // bomb inflates to about 16 MiB: the check stops within the first chunks after that.
    assert.ok(source.pulled() <= INFLATE_AT_ONCE_MAX_BYTES + 3 * 16 * 1024, `pulled ${source.pulled()} compressed bytes`);
  });

  it('inflates a small bomb in one call no further than the ratio allows', async () => {
    const compressed = gzipSync(Buffer.alloc(32 * 1024 * 1024));
    assert.ok(compressed.length <= INFLATE_AT_ONCE_MAX_BYTES, 'small enough to be inflated whole');
    const error = await rejection(readRequestBody(countingSource(splitIntoChunks(compressed, 1000)).stream, 'gzip', limits(100), unbounded()));
    assert.equal(error.code, 'RECEIVER_GZIP_RATIO_EXCEEDED');
    const allowed = Math.max(GZIP_RATIO_FLOOR_BYTES, 100 * compressed.length);
    assert.equal(
      error.message,
      `gzip request body inflated to more than ${allowed} bytes from ${compressed.length} compressed bytes, more than the limit of 100 times (maxGzipRatio)`,
    );
  });

  it('lets a highly compressed body through while it is below the floor', async () => {
    const body = Buffer.alloc(GZIP_RATIO_FLOOR_BYTES, 1);
    const compressed = gzipSync(body);
    assert.ok(body.length / compressed.length > 100, 'the body should compress more than 100 times');
    assert.deepEqual(await readRequestBody(countingSource([compressed]).stream, 'gzip', limits(100), unbounded()), body);
  });

  it('accepts a large body under the ratio and refuses the same body under a lower one', async () => {
    // Half random, half zeros: about 2:1, whatever the chunking.
    const body = Buffer.concat([randomBytes(256 * 1024), Buffer.alloc(256 * 1024)]);
    const compressed = gzipSync(body);
    const ratio = body.length / compressed.length;
    assert.ok(ratio > 1.5 && ratio < 2.5, `ratio ${ratio}`);
    const accepted = await readRequestBody(countingSource(splitIntoChunks(compressed, 8192)).stream, 'gzip', limits(3), unbounded());
    assert.deepEqual(accepted, body);
    const error = await rejection(readRequestBody(countingSource(splitIntoChunks(compressed, 8192)).stream, 'gzip', limits(1), unbounded()));
    assert.equal(error.code, 'RECEIVER_GZIP_RATIO_EXCEEDED');
  });

  it('does not apply to identity bodies', async () => {
    const body = Buffer.alloc(GZIP_RATIO_FLOOR_BYTES * 4);
    assert.deepEqual(await readRequestBody(countingSource([body]).stream, 'identity', limits(1), unbounded()), body);
  });
});
