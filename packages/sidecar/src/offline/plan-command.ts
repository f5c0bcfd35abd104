import {
  DEFAULT_CLIP,
  DEFAULT_CLIP_COUNT,
  DEFAULT_DP_CONFIG,
  MetricGlobTable,
  formatPlan,
  planPrivacy,
  withSpanMetricsClipDefaults,
  type ClipRule,
  type DpProcessorConfig,
} from '@otel-dp/processor-dp';
import { defaulted, type FlagReader } from '../flag-input.js';
import { buildDpProcessorConfig } from '../processor-config.js';
import { offlineSettingName, processorSettingName } from '../field-flags.js';
import { buildSpanMetricsSettings, type SpanMetricsSettings } from '../span-metrics-config.js';
import { recordedMetricSummary, type RecordedMetric } from './recorded-metrics.js';
import { recordedSpanMetrics } from './recorded-spans.js';
import { readRequestLines } from './request-lines.js';

/** What `otel-dp plan` runs with. */
export interface PlanConfig {
  /** Tokens contributing to each series. */
  tokens: number;
  processor: DpProcessorConfig;
  /** Recorded OTLP/JSON requests (metrics and traces) whose metrics the plan names the bounds of; optional. */
  inputPath?: string;
  spans: SpanMetricsSettings;
}

/**
 * The flags of `otel-dp plan` as a configuration.
 * @throws {UsageError} naming the first flag at fault.
 */
export function buildPlanConfig(flags: FlagReader): PlanConfig {
  const processor = buildDpProcessorConfig(flags, DEFAULT_DP_CONFIG);
  const inputPath = flags.text('input');
  const config: PlanConfig = { tokens: defaulted(flags.whole('tokens', 1), 'tokens'), processor, spans: buildSpanMetricsSettings(flags, processor) };
  if (inputPath !== undefined && inputPath.trim() !== '') config.inputPath = inputPath;
  return config;
}

/**
 * `otel-dp plan`: the calibration `otel-dp run` would use with these flags
 * (from the processor's own functions, span metrics' clip defaults
 * included), and what it means for series fed by `tokens` tokens, as a
 * table. With `--input`, a second table names, for every metric of the
 * recorded requests (span metrics made from their spans included), the
 * clip rule that bounds it and how many tokens sent it.
 * @throws {UsageError} when the input cannot be read or a line is not a request.
 */
export async function planText(config: PlanConfig): Promise<string> {
  const processor = withSpanMetricsClipDefaults(config.processor);
  const plan = `${formatPlan(planPrivacy(processor, config.tokens, offlineSettingName), processorSettingName)}\n`;
  if (config.inputPath === undefined) return plan;
  const recorded = await readRequestLines(config.inputPath, '--input');
  const { tokenAttribute, untokened, windowMillis } = processor;
  const spans = recordedSpanMetrics(recorded.traces, { windowMillis, tokenAttribute, untokened, settings: config.spans });
  const metrics = recordedMetricSummary([...recorded.metrics, ...spans.requests], tokenAttribute);
  const { counts } = spans;
  const lines = [
    '',
    `input: ${recorded.metrics.length} metric requests, ${recorded.traces.length} trace requests with ${counts.spans} spans ` +
      `(${counts.counted} counted, ${counts.untokened} without a token${untokened === 'drop' ? ', dropped' : ''}, ${counts.invalid} invalid, ${counts.skipped} of kinds left out by --span-kinds)`,
    '',
    '| metric in the input | kind | clip rule | clip | clip-count | tokens |',
    '| --- | --- | --- | --- | --- | --- |',
    ...metrics.map((metric) => row(metric, processor)),
  ];
  return `${plan}${lines.join('\n')}\n`;
}

function row(metric: RecordedMetric, processor: DpProcessorConfig): string {
  const fallback: ClipRule = { pattern: '*', ...DEFAULT_CLIP };
  const rule = new MetricGlobTable(processor.clip.map((clip) => ({ pattern: clip.pattern, value: clip })), fallback).lookup(metric.name);
  const counts = new MetricGlobTable((processor.clipCount ?? []).map((clip) => ({ pattern: clip.pattern, value: clip.count })), DEFAULT_CLIP_COUNT);
  const histogram = metric.kind === 'histogram' || metric.kind === 'exponential-histogram';
  return `| ${metric.name} | ${metric.kind} | ${rule.pattern} | ${rule.lower}:${rule.upper} | ${histogram ? counts.lookup(metric.name) : '—'} | ${metric.tokens} |`;
}
