export {
  DEFAULT_BUDGET_HORIZON_MILLIS,
  DEFAULT_CLIP,
  DEFAULT_CLIP_COUNT,
  DEFAULT_DELTA,
  DEFAULT_DP_CONFIG,
  DEFAULT_EPSILON,
  DEFAULT_EXPONENTIAL_BUCKETS,
  DEFAULT_EXPONENTIAL_SCALE,
  DEFAULT_MAX_SERIES,
  DEFAULT_MAX_WINDOW_BYTES,
  DEFAULT_MAX_SERIES_PER_TOKEN,
  DEFAULT_MAX_TOKENS,
  DEFAULT_TOKEN_ATTRIBUTE,
  DEFAULT_WINDOW_MILLIS,
  DpConfigError,
  MetricGlobTable,
  createDefaultConfig,
  fieldName,
  resolveDpProcessorConfig,
  SELECTION_BUDGET_SHARE,
  parseClipCountRule,
  parseClipRule,
  parseGaugeAggregationRule,
  parsePublicAttribute,
  validateDpProcessorConfig,
  type ClipBounds,
  type ClipCountRule,
  type ClipRule,
  type DpConfigField,
  type DpProcessorConfig,
  type ResolvedDpProcessorConfig,
  type SettingName,
  type GaugeAggregation,
  type GaugeAggregationRule,
  type NoiseMechanismName,
  type OutputTemporality,
  type UntokenedPolicy,
  type CounterProjection,
  type UndeclaredSeriesPolicy,
} from './config.js';
export { DpProcessor } from './processor.js';
export type { DpProcessorOptions, WindowOutcome } from './processor-options.js';
export { simulate, type SimulationOptions } from './simulate.js';
export { formatPlan, planPrivacy, type MetricPlan, type PrivacyPlan } from './plan.js';
export { ProcessorStats } from './stats.js';
export { calibrateWindow, type WindowCalibration } from './window-calibration.js';
export { componentNoise, type ComponentNoise } from './kinds/component-noise.js';
export type { NoiseSampler } from './noise/noise-mechanism.js';
export { NOISE_MECHANISM_NAMES } from './noise/mechanisms.js';
export {
  CryptoRandomSource,
  NoiseParameterError,
  Uint32RandomSource,
  epsilonForZcdp,
  sampleDiscreteGaussian,
  sampleDiscreteLaplace,
  type RandomSource,
} from './noise/index.js';
export { looksLikeCredential } from './attribute-policy/index.js';
export { AccountantError, PrivacyAccountant, type AccountantConfig, type AccountantSetting, type AccountantStatus, type WindowSpend } from './accounting/index.js';
export {
  DEFAULT_SPAN_CALLS_PER_WINDOW,
  DEFAULT_SPAN_DURATION_BOUNDS_MS,
  DEFAULT_SPAN_DURATION_CLIP_MS,
  SPAN_METRICS_CLIP_COUNT_RULES,
  SPAN_METRICS_CLIP_RULES,
  withSpanMetricsClipDefaults,
  SPAN_CALLS_METRIC,
  SPAN_DURATION_METRIC,
  SPAN_KIND_NAMES,
  parseSpanKinds,
  spanMetrics,
  validateSpanMetricsOptions,
  type SpanDurationHistogram,
  type SpanMetricsConfig,
  type SpanMetricsOptions,
  type SpanMetricsResult,
} from './span-metrics.js';
