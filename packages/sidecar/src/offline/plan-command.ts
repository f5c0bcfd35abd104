import { DEFAULT_DP_CONFIG, formatPlan, planPrivacy, type DpProcessorConfig } from '@otel-dp/processor-dp';
import { defaulted, type FlagReader } from '../flag-input.js';
import { buildDpProcessorConfig } from '../processor-config.js';

/** What `otel-dp plan` runs with. */
export interface PlanConfig {
  /** Tokens contributing to each series. */
  tokens: number;
  processor: DpProcessorConfig;
}

/**
 * The flags of `otel-dp plan` as a configuration.
 * @throws {UsageError} naming the first flag at fault.
 */
export function buildPlanConfig(flags: FlagReader): PlanConfig {
  return { tokens: defaulted(flags.whole('tokens', 1), 'tokens'), processor: buildDpProcessorConfig(flags, DEFAULT_DP_CONFIG) };
}

/**
 * `otel-dp plan`: the calibration `otel-dp run` would use with these flags
 * (from the processor's own functions), and what it means for series fed by
 * `tokens` tokens, as a table.
 */
export function planText(config: PlanConfig): string {
  return `${formatPlan(planPrivacy(config.processor, config.tokens))}\n`;
}
