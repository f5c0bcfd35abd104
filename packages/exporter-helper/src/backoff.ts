import { randomBytes } from 'node:crypto';
import type { RetryConfig } from './retry-config.js';

/** A uniform draw in [0, 1). */
export type UniformSource = () => number;

/** 2^-53: turns a 53-bit integer into a double in [0, 1) without rounding up to 1. */
const TWO_POW_MINUS_53 = 2 ** -53;

/** Uniform [0, 1) from node:crypto, 53 random bits per draw. */
export const cryptoUniform: UniformSource = () => {
  const bytes = randomBytes(8);
  const high = bytes.readUInt32BE(0) >>> 11; // 21 bits
  const low = bytes.readUInt32BE(4); // 32 bits
  return (high * 2 ** 32 + low) * TWO_POW_MINUS_53;
};

/**
 * The waits between attempts of one export, as the collector's retry helper
 * computes them: the current interval is jittered to
 * `interval · (1 + randomizationFactor · (2u − 1))`, then grows by
 * `multiplier` up to `maxIntervalMillis`. Jitter keeps many exporters that
 * failed together from retrying in lockstep.
 */
export class ExponentialBackoff {
  private currentIntervalMillis: number;

  constructor(
    private readonly config: RetryConfig,
    private readonly random: UniformSource,
  ) {
    this.currentIntervalMillis = config.initialIntervalMillis;
  }

  /** The next wait in milliseconds; each call advances the schedule. */
  nextDelayMillis(): number {
    const interval = this.currentIntervalMillis;
    const spread = this.config.randomizationFactor * interval;
    const delay = interval - spread + 2 * spread * this.random();
    this.currentIntervalMillis = Math.min(interval * this.config.multiplier, this.config.maxIntervalMillis);
    return delay;
  }
}
