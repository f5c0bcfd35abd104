import type { BatchExporter, ExportBatch, Lifecycle } from '@otel-dp/pipeline';

/**
 * An exporter that counts its lifecycle calls and the batches it accepted,
 * taking `acceptMillis` to accept each (so a shutdown can find one in
 * delivery), for tests of what wraps exporters.
 */
export class CountingExporter implements BatchExporter, Lifecycle {
  starts = 0;
  shutdowns = 0;
  exported = 0;

  constructor(private readonly acceptMillis = 0) {}

  async start(): Promise<void> {
    this.starts++;
  }

  async shutdown(): Promise<void> {
    this.shutdowns++;
  }

  async export(_batch: ExportBatch): Promise<void> {
    if (this.acceptMillis > 0) await new Promise((resolve) => setTimeout(resolve, this.acceptMillis));
    this.exported++;
  }
}
