import {
  DEFAULT_EXPONENTIAL_BUCKETS,
  DEFAULT_EXPONENTIAL_SCALE,
  parseSpanKinds,
  validateSpanMetricsOptions,
  type DpProcessorConfig,
  type SpanDurationHistogram,
} from '@otel-dp/processor-dp';
import { asUsageError, defaulted, type FlagReader } from './flag-input.js';
import { flagNames, SPAN_METRICS_FIELD_FLAGS } from './field-flags.js';
import { SPAN_DURATION_HISTOGRAMS } from './options.js';

const spanMetricsSettingName = flagNames(SPAN_METRICS_FIELD_FLAGS);

/** How received spans become span metrics: the `spanMetrics()` options that come from flags. */
export interface SpanMetricsSettings {
  /** `--span-dimension`, in order. */
  spanDimensions: string[];
  /** `--span-kinds` as SpanKind numbers; undefined counts every kind. */
  spanKinds: number[] | undefined;
  /** `--span-duration-histogram`. */
  durationHistogram: SpanDurationHistogram;
  /** The processor's release scale and buckets, so exponential durations are produced on the layout they are released on. */
  exponentialScale: number;
  exponentialMaxBuckets: number;
}

/** No extra dimensions, every kind, explicit buckets, the processor's default exponential layout. */
export const DEFAULT_SPAN_METRICS_SETTINGS: SpanMetricsSettings = Object.freeze({
  spanDimensions: [],
  spanKinds: undefined,
  durationHistogram: 'explicit',
  exponentialScale: DEFAULT_EXPONENTIAL_SCALE,
  exponentialMaxBuckets: DEFAULT_EXPONENTIAL_BUCKETS,
}) as SpanMetricsSettings;

/**
 * The trace flags, checked against the processor configuration (the token
 * attribute may not be a dimension).
 * @throws {UsageError} naming the flag.
 */
export function buildSpanMetricsSettings(flags: FlagReader, processor: DpProcessorConfig): SpanMetricsSettings {
  const settings: SpanMetricsSettings = {
    spanDimensions: [...flags.list('span-dimension')],
    spanKinds: flags.parse('span-kinds', parseSpanKinds),
    durationHistogram: defaulted(flags.choice('span-duration-histogram', SPAN_DURATION_HISTOGRAMS), 'span-duration-histogram'),
    exponentialScale: processor.exponentialHistogramScale ?? DEFAULT_EXPONENTIAL_SCALE,
    exponentialMaxBuckets: processor.exponentialHistogramBuckets ?? DEFAULT_EXPONENTIAL_BUCKETS,
  };
  try {
    validateSpanMetricsOptions({ ...settings, tokenAttribute: processor.tokenAttribute, untokened: processor.untokened, timeUnixNano: 0n }, spanMetricsSettingName);
  } catch (error) {
    throw asUsageError(error, flags.label('span-dimension'));
  }
  return settings;
}
