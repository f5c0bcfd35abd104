import { createHash } from 'node:crypto';

/**
 * Reproducible pseudo-random bytes: SHA-256 of a fixed seed and a counter.
 * The same cases run on every machine, and a failure names its case.
 */
export class SeededBytes {
  private counter = 0;
  private pool: Uint8Array = new Uint8Array(0);
  private at = 0;

  constructor(private readonly seed: string) {}

  byte(): number {
    if (this.at === this.pool.length) {
      this.pool = createHash('sha256').update(`${this.seed}:${this.counter++}`).digest();
      this.at = 0;
    }
    return this.pool[this.at++];
  }

  /** Uniform enough in [0, n) for test case generation (n ≤ 65536). */
  below(n: number): number {
    return ((this.byte() << 8) | this.byte()) % n;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.byte();
    return out;
  }

  /** A copy of `valid` with one to three bytes changed: a bit flipped or the byte overwritten. */
  changed(valid: Uint8Array): Uint8Array {
    const input = valid.slice();
    const changes = 1 + this.below(3);
    for (let c = 0; c < changes; c++) {
      const at = this.below(input.length);
      if (this.byte() < 128) input[at] ^= 1 << this.below(8);
      else input[at] = this.byte();
    }
    return input;
  }
}
