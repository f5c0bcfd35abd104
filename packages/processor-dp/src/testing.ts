import type { BatchExporter, ExportBatch } from '@otel-dp/otlp';
import type { NoiseSampler } from './release.js';

export * from './accuracy.js';
export * from './distribution-functions.js';

/**
 * Draws no noise at all. Only for tests of deterministic logic (bounding,
 * deltas, output shape): a processor built with it is not private.
 */
export const noNoise: NoiseSampler = () => 0;

/** A BatchExporter that keeps every batch it is given, in order. */
export class MetricsSink implements BatchExporter {
  readonly batches: ExportBatch[] = [];

  async export(batch: ExportBatch): Promise<void> {
    this.batches.push(batch);
  }

  /** Batches that carry a DP release (not untokened data passed through). */
  get releases(): ExportBatch[] {
    return this.batches.filter((batch) => batch.summary !== undefined);
  }
}
