import type { ExportMetricsServiceRequest } from '@otel-dp/otlp';
import type { WindowSummary } from './window-summary.js';

/**
 * Processor → exporter: one OTLP request to deliver. `summary` is present for
 * a DP release and absent for data forwarded untouched (`--untokened pass`).
 *
 * Ownership: as for {@link MetricsConsumer}; exporters may queue the batch.
 */
export interface ExportBatch {
  request: ExportMetricsServiceRequest;
  summary?: WindowSummary;
}

export interface BatchExporter {
  export(batch: ExportBatch): Promise<void>;
}
