/**
 * Buffers that uncompressed gRPC messages are read into, used again by
 * later calls. HTTP/2 interleaves the DATA frames of the calls open on a
 * connection, so with 16 calls in flight each message stays half-read for
 * as long as the others take to arrive: a buffer allocated per call then
 * outlives a young-generation collection, and only full collections free
 * it. Measured with the bench's 205 KB requests, that took 6 to 12
 * mark-compacts per 1,000 calls (about 2 at 1 or 4 in flight, and over
 * OTLP/HTTP), and reading into reused buffers took the decode-only pass
 * from 714k to 990k points per CPU-second. The decoder copies what it
 * keeps (strings, bytes), so nothing decoded refers to a buffer once it
 * is given back.
 */

/** Messages larger than this are read into a buffer of their own, as before. */
export const POOLED_MESSAGE_MAX_BYTES = 512 * 1024;
/** Buffers kept between calls: at most 8 MiB idle. */
const POOL_MAX_BUFFERS = 16;
/** Smallest capacity allocated, so that messages of similar sizes share buffers. */
const MIN_CAPACITY_BYTES = 64 * 1024;

const idle: Buffer[] = [];
const pooled = new WeakSet<ArrayBuffer>();

/**
 * An idle buffer cut to exactly `size` bytes, its content undefined, or
 * undefined when none is idle that is large enough. Only buffers already
 * allocated are handed out this way, before a message's bytes arrive, so
 * a client that declares a large message and sends little of it makes the
 * receiver allocate nothing.
 */
export function takeIdleMessageBuffer(size: number): Buffer | undefined {
  for (let i = idle.length - 1; i >= 0; i--) {
    const whole = idle[i];
    if (whole.length >= size) {
      idle[i] = idle[idle.length - 1];
      idle.pop();
      return whole.subarray(0, size);
    }
  }
  return undefined;
}

/**
 * A new buffer of exactly `size` bytes (at most {@link POOLED_MESSAGE_MAX_BYTES}),
 * its content undefined, that {@link giveMessageBuffer} will keep. Its
 * capacity is `size` rounded up to a power of two, at most twice `size`.
 */
export function allocateMessageBuffer(size: number): Buffer {
  let capacity = MIN_CAPACITY_BYTES;
  while (capacity < size) capacity *= 2;
  const whole = Buffer.allocUnsafeSlow(capacity);
  pooled.add(whole.buffer);
  return whole.subarray(0, size);
}

/**
 * Gives back a buffer of {@link takeIdleMessageBuffer} or {@link allocateMessageBuffer} once nothing reads it
 * any more; any other buffer is left alone.
 */
export function giveMessageBuffer(buffer: Buffer): void {
  const backing = buffer.buffer;
  if (!(backing instanceof ArrayBuffer) || !pooled.has(backing)) return;
  if (idle.length < POOL_MAX_BUFFERS) idle.push(Buffer.from(backing));
}
