import { silentLogger, type ExportBatch } from '@otel-dp/pipeline';
import { DpProcessor, type DpProcessorConfig } from '@otel-dp/processor-dp';
import { stringAttribute, sumRequest } from './otlp-requests.js';

/** Enough distinct tokens for one series to pass partition selection at any ε the tests use. */
const PROBE_TOKENS = 1000;

/**
 * The noise σ the processor reports (WindowSummary `noiseStdDev`, what the
 * debug exporter prints) for a Sum named `metric` under `config`: one window
 * of an in-process DpProcessor with the sidecar's configuration, released by
 * flush. σ depends on the configuration only, so the sidecar process uses
 * the same.
 */
export async function reportedNoiseStdDev(config: DpProcessorConfig, metric: string, value: number): Promise<number> {
  const batches: ExportBatch[] = [];
  const errors: string[] = [];
  const logger = { ...silentLogger, error: (message: string, fields?: Record<string, unknown>) => void errors.push(`${message} ${JSON.stringify(fields)}`) };
  const processor = new DpProcessor(config, { export: async (batch) => void batches.push(batch) }, { logger });
  await processor.start();
  try {
    const points = Array.from({ length: PROBE_TOKENS }, (_, i) => ({ attributes: [stringAttribute(config.tokenAttribute, `probe-${i}`)], value }));
    await processor.consume(sumRequest([{ metric, points }]));
    await processor.flush();
  } finally {
    await processor.shutdown();
  }
  const series = batches.flatMap((batch) => batch.summary?.series ?? []).filter((s) => s.metric === metric);
  if (series.length === 0) throw new Error(`the processor released no ${metric} series to report σ for; its errors: ${errors.join('; ') || 'none'}`);
  return series[0].noiseStdDev;
}
