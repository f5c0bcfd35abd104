export {
  ClipTable,
  DEFAULT_CLIP,
  DEFAULT_DELTA,
  DEFAULT_DP_CONFIG,
  DEFAULT_EPSILON,
  DEFAULT_MAX_SERIES_PER_TOKEN,
  DEFAULT_TOKEN_ATTRIBUTE,
  DEFAULT_WINDOW_MILLIS,
  DpConfigError,
  SELECTION_BUDGET_SHARE,
  parseClipRule,
  validateDpProcessorConfig,
  type ClipBounds,
  type ClipRule,
  type DpProcessorConfig,
  type NoiseMechanismName,
  type OutputTemporality,
  type UntokenedPolicy,
} from './config.js';
export { DpProcessor, type DpProcessorOptions } from './processor.js';
export { calibrateWindow, metricNoise, type MetricNoise, type WindowCalibration } from './window-calibration.js';
export type { NoiseSampler } from './release.js';
export * from './noise/index.js';
