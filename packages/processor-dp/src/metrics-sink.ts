import type { BatchExporter, ExportBatch } from '@otel-dp/pipeline';

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
