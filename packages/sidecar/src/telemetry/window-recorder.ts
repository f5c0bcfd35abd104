import type { WindowEvent } from '@otel-dp/admin';
import type { WindowOutcome } from '@otel-dp/processor-dp';
import type { BudgetReading } from './pipeline-metrics.js';

/**
 * Takes every window the processor closes (released, withheld or failed,
 * with data or without) to the admin endpoint's chart, and keeps the
 * horizon's budget after the latest one for the budget gauges.
 */
export class WindowRecorder {
  private latest: BudgetReading | undefined;

  /** @param record called with each closed window. */
  constructor(private readonly record: (event: WindowEvent) => void) {}

  /** The budget after the latest window; undefined before the first. */
  get budget(): BudgetReading | undefined {
    return this.latest;
  }

  /** For the processor's `onWindow` option. */
  readonly observe = (outcome: WindowOutcome): void => {
    const { budget } = outcome;
    this.latest = { spentEpsilon: budget.spentEpsilon, spentDelta: budget.spentDelta, remainingEpsilon: budget.remainingEpsilon, waiting: outcome.waiting ?? [] };
    if (outcome.selection !== undefined) this.latest.selection = outcome.selection;
    const event: WindowEvent = {
      windowEndMillis: outcome.windowEndMillis,
      epsilonSpent: budget.spentEpsilon,
      windowEpsilon: outcome.epsilon,
      released: outcome.released,
      suppressed: outcome.suppressed,
      withheld: outcome.status !== 'released',
      waiting: outcome.waiting ?? [],
    };
    if (outcome.selection !== undefined) event.selection = outcome.selection;
    if (budget.remainingEpsilon !== undefined) event.epsilonRemaining = budget.remainingEpsilon;
    this.record(event);
  };
}
