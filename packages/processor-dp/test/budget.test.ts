import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DpProcessor, type WindowOutcome } from '../src/index.js';
import { MetricsSink, noNoise } from '../src/testing.js';
import { exactConfig, manualClock, point, request, sumMetric } from './builders.js';

const T0 = 1_700_000_000_000;

describe('budget over the horizon', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  // Laplace windows of ε = 1 compose to Σε = 1, 2, 3 … (the zCDP route gives more), so a cap of 2.5 allows two windows.
  const capped = (stateDir: string) =>
    exactConfig({ mechanism: 'laplace', epsilon: 1, maxEpsilonHorizon: 2.5, budgetHorizonMillis: 3_600_000, stateDir });

  async function windows(processor: DpProcessor, clock: ReturnType<typeof manualClock>, from: number, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      clock.set(T0 + (from + i) * 1000 + 10);
      await processor.consume(
        request([sumMetric('requests', [point(1, { route: '/a', 'api.token': 't1' }), point(1, { route: '/a', 'api.token': 't2' })])]),
      );
    }
    clock.set(T0 + (from + count) * 1000 + 10);
    await processor.flush();
  }

  it('withholds windows once the cap is reached, and remembers it across a restart', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'otel-dp-budget-'));
    dirs.push(stateDir);
    const clock = manualClock(T0 + 10);
    const sink = new MetricsSink();
    const first = new DpProcessor(capped(stateDir), sink, { now: clock.now, noiseSampler: noNoise });
    await first.start();
    await windows(first, clock, 0, 4);
    await first.shutdown();
    assert.equal(first.stats.windowsReleased, 2);
    assert.ok(first.stats.windowsWithheld >= 2);
    const budget = sink.releases.at(-1)!.summary!.budget!;
    assert.equal(budget.spentEpsilon, 2);
    assert.equal(budget.remainingEpsilon, 0.5);

    const restarted = new DpProcessor(capped(stateDir), new MetricsSink(), { now: clock.now, noiseSampler: noNoise });
    await restarted.start();
    await windows(restarted, clock, 10, 1);
    await restarted.shutdown();
    assert.equal(restarted.stats.windowsReleased, 0, 'the restart did not reset the spent budget');
  });

  it('says in partial success, while the cap withholds windows, that the data taken will not be released', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'otel-dp-budget-'));
    dirs.push(stateDir);
    const clock = manualClock(T0 + 10);
    const processor = new DpProcessor(capped(stateDir), new MetricsSink(), { now: clock.now, noiseSampler: noNoise });
    await processor.start();
    const data = request([sumMetric('requests', [point(1, { route: '/a', 'api.token': 't1' })])]);
    const answers = [];
    for (let window = 0; window < 4; window++) {
      clock.set(T0 + window * 1000 + 10);
      answers.push(await processor.consume(data));
    }
    await processor.shutdown();
    // Two windows fit the cap of 2.5; the third and fourth are withheld.
    assert.deepEqual(
      answers.map((answer) => [answer.rejectedDataPoints, answer.errorMessage !== undefined && /budget .* is spent: this window will be withheld/.test(answer.errorMessage)]),
      [
        [0, false],
        [0, false],
        [0, true],
        [0, true],
      ],
    );
  });

  it('releases again once the horizon has rolled past the spent windows', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'otel-dp-budget-'));
    dirs.push(stateDir);
    const clock = manualClock(T0 + 10);
    const processor = new DpProcessor(capped(stateDir), new MetricsSink(), { now: clock.now, noiseSampler: noNoise });
    await processor.start();
    await windows(processor, clock, 0, 3);
    const before = processor.stats.windowsReleased;
    await windows(processor, clock, 3700, 1);
    const afterRoll = processor.stats.windowsReleased;
    await processor.shutdown();
    assert.equal(before, 2);
    assert.equal(afterRoll, 3);
  });

  it('tells onWindow of every window: released, withheld, with the budget after it', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'otel-dp-budget-'));
    dirs.push(stateDir);
    const clock = manualClock(T0 + 10);
    const outcomes: WindowOutcome[] = [];
    const processor = new DpProcessor(capped(stateDir), new MetricsSink(), { now: clock.now, noiseSampler: noNoise, onWindow: (outcome) => outcomes.push(outcome) });
    await processor.start();
    await windows(processor, clock, 0, 3);
    await processor.shutdown();
    assert.deepEqual(
      outcomes.map((outcome) => [outcome.windowStartMillis - T0, outcome.status, outcome.epsilon, outcome.budget.spentEpsilon]),
      [
        [0, 'released', 1, 1],
        [1000, 'released', 1, 2],
        [2000, 'withheld', 0, 2],
        [3000, 'withheld', 0, 2],
      ],
    );
    // At ε = 1 two tokens are far below the selection threshold: the series is held back.
    assert.deepEqual([outcomes[0].released, outcomes[0].suppressed], [0, 1]);
  });

  it('refuses a cap without a state directory', () => {
    assert.throws(() => new DpProcessor(exactConfig({ maxEpsilonHorizon: 5 }), new MetricsSink()), /stateDir/);
  });
});
