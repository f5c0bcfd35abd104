import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { calibrateWindow, CryptoRandomSource, Uint32RandomSource, type RandomSource } from '@otel-dp/processor-dp';
import { histogramsConfig, neighbours } from './neighbours.js';
import { ProblemLog, runOnce } from './release-runs.js';

/**
 * The processor's randomness comes from the source it is given and from
 * nowhere else: not Math.random, not a second crypto stream. Every consumer
 * of randomness is exercised: count noise for selection, value noise, the
 * random choice of series when X feeds more than k, and the randomized
 * rounding of X's oversized histogram.
 */
const WINDOWS = 3;

const CONFIGS = [
  histogramsConfig('laplace', 'cumulative'),
  histogramsConfig('gaussian', 'cumulative'),
  histogramsConfig('laplace', 'delta'),
  histogramsConfig('gaussian', 'delta'),
];
// Four times the selection threshold on the other route: it is released from the first window on
// except with probability below 1e-9 (see lattice.test.ts), so every window releases something.
const tau = Math.max(...CONFIGS.map((processorConfig) => calibrateWindow(processorConfig).selectionThreshold));
const inputs = neighbours({ sharedRouteTokens: tau - 1, otherRouteTokens: 4 * tau, windows: WINDOWS, histograms: true });

/** Delegates to another source and counts the calls. */
class CountingRandomSource implements RandomSource {
  calls = 0;

  constructor(private readonly inner: RandomSource) {}

  get bytesDrawn(): number {
    return this.inner.bytesDrawn;
  }

  nextUint32(): number {
    this.calls++;
    return this.inner.nextUint32();
  }

  uniformInt(n: number): number {
    this.calls++;
    return this.inner.uniformInt(n);
  }

  uniformBigInt(n: bigint): bigint {
    this.calls++;
    return this.inner.uniformBigInt(n);
  }
}

/** Hands out fresh crypto words and keeps them, to replay later. */
class RecordingRandomSource extends Uint32RandomSource {
  readonly words: number[] = [];
  private readonly inner = new CryptoRandomSource();

  protected override nextWord(): number {
    const word = this.inner.nextUint32();
    this.words.push(word);
    return word;
  }
}

/** Hands out recorded words in order; running out is an error. */
class ReplayRandomSource extends Uint32RandomSource {
  private next = 0;

  constructor(private readonly words: readonly number[]) {
    super();
  }

  get remaining(): number {
    return this.words.length - this.next;
  }

  protected override nextWord(): number {
    if (this.next >= this.words.length) throw new Error('the replayed source ran out of recorded words');
    return this.words[this.next++];
  }
}

describe('the randomness source is the only one the processor uses', () => {
  test('every run draws from the source it is given', async () => {
    for (const processorConfig of CONFIGS) {
      const counting = new CountingRandomSource(new CryptoRandomSource());
      const log = new ProblemLog();
      let drawn = 0;
      for (let run = 0; run < 5; run++) {
        const result = await runOnce({ config: processorConfig, requests: inputs.with, random: counting, logger: log });
        assert.equal(result.releases.length, WINDOWS);
        assert.ok(counting.bytesDrawn > drawn, `${processorConfig.mechanism}, ${processorConfig.outputTemporality}: run ${run} drew nothing`);
        drawn = counting.bytesDrawn;
      }
      assert.ok(counting.calls > 0);
      assert.deepEqual(log.problems, []);
    }
  });

  test('replaying the same draws gives the same release, and fresh draws a different one', async () => {
    for (const processorConfig of CONFIGS) {
      const log = new ProblemLog();
      const recording = new RecordingRandomSource();
      const first = await runOnce({ config: processorConfig, requests: inputs.with, random: recording, logger: log });
      const replay = new ReplayRandomSource(recording.words);
      const second = await runOnce({ config: processorConfig, requests: inputs.with, random: replay, logger: log });
      const label = `${processorConfig.mechanism}, ${processorConfig.outputTemporality}`;
      // Any other source of randomness would make the second release differ from the first.
      assert.deepEqual(second.releases, first.releases, `${label}: the replayed run differs`);
      assert.equal(replay.remaining, 0, `${label}: the replayed run drew fewer words`);
      // Fresh draws move every noisy value by one of about 2^20 grid steps or more: equal output would
      // mean the noise does not come from the source (chance of a tie far below 1e-12).
      const fresh = await runOnce({ config: processorConfig, requests: inputs.with, random: new CryptoRandomSource(), logger: log });
      assert.notDeepEqual(fresh.releases, first.releases, `${label}: fresh draws gave the same release`);
      assert.deepEqual(log.problems, []);
    }
  });

  test('Math.random is never called: with it throwing, the processor still releases every window', async () => {
    const original = Math.random;
    let calls = 0;
    globalThis.Math.random = () => {
      calls++;
      throw new Error('Math.random must not be called');
    };
    try {
      for (const processorConfig of CONFIGS) {
        const log = new ProblemLog();
        // No random option: the processor's own default source.
        const result = await runOnce({ config: processorConfig, requests: inputs.with, logger: log });
        assert.deepEqual(log.problems, [], 'a release that failed is only logged');
        assert.equal(result.releases.length, WINDOWS);
      }
    } finally {
      globalThis.Math.random = original;
    }
    assert.equal(calls, 0);
  });
});
