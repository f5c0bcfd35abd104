import { createHash } from 'node:crypto';
import { Uint32RandomSource } from '../../src/noise/index.js';

/**
 * A reproducible stream of uniform words (SHA-256 in counter mode over a
 * seed), so that two releases can be given the very same noise and compared
 * point for point. Tests only: production noise is fresh from the CSPRNG.
 */
export class HashRandomSource extends Uint32RandomSource {
  private block: Buffer = Buffer.alloc(0);
  private position = 0;
  private counter = 0;

  constructor(private readonly seed: string) {
    super();
  }

  protected nextWord(): number {
    if (this.position === this.block.length) {
      this.block = createHash('sha256').update(`${this.seed}:${this.counter++}`).digest();
      this.position = 0;
    }
    const word = this.block.readUInt32LE(this.position);
    this.position += 4;
    return word;
  }
}
