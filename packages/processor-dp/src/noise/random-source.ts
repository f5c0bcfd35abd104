import { randomFillSync } from 'node:crypto';
import { NoiseParameterError } from './errors.js';

const TWO_POW_21 = 2 ** 21;
const TWO_POW_32 = 2 ** 32;
const TWO_POW_53 = 2 ** 53;

/**
 * The only source of randomness in the processor. Every sampler takes one,
 * so tests can count draws or script them, and no code path can reach a
 * non-cryptographic generator.
 */
export interface RandomSource {
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform integer in [0, n), 1 ≤ n ≤ 2^53, by rejection (no modulo bias). */
  uniformInt(n: number): number;
  /** Uniform bigint in [0, n), n ≥ 1n, by rejection. */
  uniformBigInt(n: bigint): bigint;
  /** Bytes consumed so far, so tests can count draws. */
  readonly bytesDrawn: number;
}

/** Default pool: large enough that refills (one system call each) are rare, small enough to stay in cache. */
export const DEFAULT_RANDOM_POOL_BYTES = 64 * 1024;

/**
 * Uniform integers built from 32-bit words, by rejection. Subclasses supply
 * the words; everything else (ranges, bigints, byte counting) is shared, so a
 * scripted source in tests exercises the same rejection code as production.
 */
export abstract class Uint32RandomSource implements RandomSource {
  private drawn = 0;

  /** The next uniform 32-bit word; called once per 4 bytes drawn. */
  protected abstract nextWord(): number;

  get bytesDrawn(): number {
    return this.drawn;
  }

  nextUint32(): number {
    this.drawn += 4;
    return this.nextWord();
  }

  uniformInt(n: number): number {
    if (!(Number.isInteger(n) && n >= 1 && n <= TWO_POW_53)) {
      throw new NoiseParameterError(`n is ${String(n)}, must be an integer in [1, 2^53]`);
    }
    if (n === 1) return 0;
    if (n <= TWO_POW_21) {
      // Lemire 2019, "Fast random integer generation in an interval": the high
      // 32-bit half of word·n is uniform on [0, n) once the products whose low
      // half is below 2^32 mod n are redrawn (almost never). word·n < 2^53 is
      // exact, and the common case needs no division.
      for (;;) {
        const product = this.nextUint32() * n;
        const high = Math.floor(product / TWO_POW_32);
        const low = product - high * TWO_POW_32;
        if (low >= n || low >= TWO_POW_32 % n) return high;
      }
    }
    if (n <= TWO_POW_32) {
      // Keep the bits n − 1 needs and redraw values ≥ n (at least half pass).
      const shift = Math.clz32(n - 1);
      for (;;) {
        const value = this.nextUint32() >>> shift;
        if (value < n) return value;
      }
    }
    // n - 1 needs 32 + highBits bits: draw exactly that many and reject values ≥ n
    // (acceptance above 1/2). The sum stays below 2^53, so it is exact.
    const highBits = 32 - Math.clz32(Math.floor((n - 1) / TWO_POW_32));
    for (;;) {
      const high = this.nextUint32() >>> (32 - highBits);
      const value = high * TWO_POW_32 + this.nextUint32();
      if (value < n) return value;
    }
  }

  uniformBigInt(n: bigint): bigint {
    if (typeof n !== 'bigint' || n < 1n) {
      throw new NoiseParameterError(`n is ${String(n)}, must be a bigint of at least 1`);
    }
    if (n <= BigInt(TWO_POW_53)) return BigInt(this.uniformInt(Number(n)));
    const bits = (n - 1n).toString(2).length;
    const words = Math.ceil(bits / 32);
    const topShift = words * 32 - bits;
    for (;;) {
      let value = BigInt(this.nextUint32() >>> topShift);
      for (let i = 1; i < words; i++) value = (value << 32n) | BigInt(this.nextUint32());
      if (value < n) return value;
    }
  }
}

/**
 * node:crypto bytes drawn in pools: one `crypto.randomFillSync` fills a
 * reusable buffer of `poolBytes` (default 64 KiB) and the words are handed out
 * from it, so no hot path makes one small crypto call per sample. This is the
 * only class in the processor that touches node:crypto.
 */
export class CryptoRandomSource extends Uint32RandomSource {
  private readonly pool: Uint32Array;
  private next: number;

  /** @param options.poolBytes Bytes fetched per refill: a multiple of 4, at least 4. Default 65536. */
  constructor(options: { poolBytes?: number } = {}) {
    super();
    const poolBytes = options.poolBytes ?? DEFAULT_RANDOM_POOL_BYTES;
    if (!(Number.isSafeInteger(poolBytes) && poolBytes >= 4 && poolBytes % 4 === 0)) {
      throw new NoiseParameterError(`poolBytes is ${String(poolBytes)}, must be a positive multiple of 4`);
    }
    this.pool = new Uint32Array(poolBytes / 4);
    this.next = this.pool.length;
  }

  protected nextWord(): number {
    if (this.next === this.pool.length) {
      randomFillSync(this.pool);
      this.next = 0;
    }
    return this.pool[this.next++];
  }
}
