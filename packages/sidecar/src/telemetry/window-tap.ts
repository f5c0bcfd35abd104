import type { WindowEvent } from '@otel-dp/admin';
import type { BatchExporter, ExportBatch, Lifecycle, WindowSummary } from '@otel-dp/otlp';
import type { BudgetReading } from './pipeline-metrics.js';

/**
 * Sits between the processor and the exporters: each DP release is recorded
 * for the admin endpoint (its chart, its budget gauges), then handed on
 * unchanged. Only windows that release or suppress something reach an
 * exporter, so windows without data (which still spend their ε) and
 * withheld ones are not seen here.
 */
export class WindowTap implements BatchExporter, Lifecycle {
  private latest: BudgetReading | undefined;

  /**
   * @param next where batches go; its lifecycle is the tap's.
   * @param record called with each released window, before the batch is handed on.
   */
  constructor(
    private readonly next: BatchExporter & Partial<Lifecycle>,
    private readonly record: (event: WindowEvent) => void,
  ) {}

  /** The budget after the last window released; undefined before the first. */
  get budget(): BudgetReading | undefined {
    return this.latest;
  }

  export(batch: ExportBatch): Promise<void> {
    if (batch.summary !== undefined) this.observe(batch.summary);
    return this.next.export(batch);
  }

  async start(): Promise<void> {
    await this.next.start?.();
  }

  async shutdown(): Promise<void> {
    await this.next.shutdown?.();
  }

  private observe(summary: WindowSummary): void {
    const { budget } = summary;
    if (budget !== undefined) {
      this.latest = { spentEpsilon: budget.spentEpsilon, spentDelta: budget.spentDelta, remainingEpsilon: budget.remainingEpsilon };
    }
    const event: WindowEvent = {
      windowEndMillis: Number(summary.windowEndUnixNano / 1_000_000n),
      epsilonSpent: budget?.spentEpsilon ?? summary.epsilon,
      windowEpsilon: summary.epsilon,
      released: summary.series.length,
      suppressed: summary.suppressedSeries,
      withheld: false,
    };
    if (budget?.remainingEpsilon !== undefined) event.epsilonRemaining = budget.remainingEpsilon;
    this.record(event);
  }
}
