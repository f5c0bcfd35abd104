import {
  parseClipCountRule,
  parseClipRule,
  parseGaugeAggregationRule,
  parsePublicAttribute,
  validateDpProcessorConfig,
  type DpProcessorConfig,
} from '@otel-dp/processor-dp';
import { flagOf, PROCESSOR_FIELD_FLAGS, processorSettingName } from './field-flags.js';
import { asUsageError, type FlagReader } from './flag-input.js';
import { parseChoiceValue } from './flag-values.js';
import { BOOLEANS, COUNTER_PROJECTIONS, MECHANISMS, OUTPUT_TEMPORALITIES, UNDECLARED_SERIES_POLICIES, UNTOKENED_POLICIES } from './options.js';
import { UsageError } from './usage-error.js';

const YES_NO = ['yes', 'no'] as const;

/**
 * The privacy flags over `base`: a flag the command does not define keeps the
 * base value (the demo fixes the token attribute, for instance). Optional
 * fields stay absent when neither the flag nor `base` sets them, so the
 * processor applies its own default.
 * @throws {UsageError} from the processor's parsers and validation, naming the flag.
 */
export function buildDpProcessorConfig(flags: FlagReader, base: DpProcessorConfig): DpProcessorConfig {
  const config: DpProcessorConfig = {
    ...base,
    windowMillis: flags.durationMillis('window') ?? base.windowMillis,
    tokenAttribute: flags.text('token-attribute') ?? base.tokenAttribute,
    untokened: flags.choice('untokened', UNTOKENED_POLICIES) ?? base.untokened,
    maxSeriesPerToken: flags.whole('max-series-per-token', 0) ?? base.maxSeriesPerToken,
    clip: flags.has('clip') ? refuseRepeatedGlob(flags, 'clip', parseEach(flags, 'clip', parseClipRule)) : [...base.clip],
    mechanism: flags.choice('mechanism', MECHANISMS) ?? base.mechanism,
    epsilon: flags.number('epsilon') ?? base.epsilon,
    delta: flags.number('delta') ?? base.delta,
    outputTemporality: flags.choice('output-temporality', OUTPUT_TEMPORALITIES) ?? base.outputTemporality,
  };
  const optional: Partial<DpProcessorConfig> = {
    clipCount: flags.has('clip-count') ? refuseRepeatedGlob(flags, 'clip-count', parseEach(flags, 'clip-count', parseClipCountRule)) : undefined,
    gaugeAggregation: flags.has('gauge-aggregation')
      ? refuseRepeatedGlob(flags, 'gauge-aggregation', parseEach(flags, 'gauge-aggregation', parseGaugeAggregationRule))
      : undefined,
    publicAttributes: flags.has('public-attribute') ? publicAttributes(flags) : undefined,
    dropAttributes: flags.has('drop-attribute') ? [...flags.list('drop-attribute')] : undefined,
    keepAttributes: flags.has('keep-attributes') ? flags.list('keep-attributes').flatMap(splitNames) : undefined,
    exponentialHistogramScale: flags.parse('exp-histogram-scale', wholeNumber),
    exponentialHistogramBuckets: flags.whole('exp-histogram-buckets', 0),
    maxTokens: flags.whole('max-tokens', 0),
    maxSeries: flags.whole('max-series', 0),
    maxWindowBytes: flags.whole('max-window-bytes', 0),
    counterProjection: flags.choice('counter-projection', COUNTER_PROJECTIONS),
    undeclaredSeries: flags.choice('undeclared-series', UNDECLARED_SERIES_POLICIES),
    exportStdErr: flags.parse('export-stderr', (text, label) => parseChoiceValue(text, label, BOOLEANS) === 'true'),
    budgetHorizonMillis: flags.durationMillis('budget-horizon'),
    maxEpsilonHorizon: flags.number('max-epsilon-horizon'),
    stateDir: flags.text('state-dir'),
    startFreshBudget: flags.has('start-fresh-budget') ? flags.choice('start-fresh-budget', YES_NO) === 'yes' : undefined,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(config, { [key]: value });
  }
  try {
    validateDpProcessorConfig(config, processorSettingName);
  } catch (error) {
    throw withVariableHint(error, flags);
  }
  return config;
}

function parseEach<T>(flags: FlagReader, name: string, parse: (text: string, flag: string) => T): T[] {
  const label = flags.label(name);
  return flags.list(name).map((text) => {
    try {
      return parse(text, label);
    } catch (error) {
      throw asUsageError(error, label);
    }
  });
}

/** The first matching rule wins, so a second rule with the same glob could never apply: refused rather than ignored. */
function refuseRepeatedGlob<T extends { pattern: string }>(flags: FlagReader, name: string, rules: T[]): T[] {
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.pattern)) {
      throw new UsageError(`${flags.label(name)} gives ${JSON.stringify(rule.pattern)} twice; the first rule wins, so the second could never apply: keep one`);
    }
    seen.add(rule.pattern);
  }
  return rules;
}

// Several flags may name the same key: their values add up.
function publicAttributes(flags: FlagReader): Record<string, string[]> {
  const merged = new Map<string, string[]>();
  for (const [key, values] of parseEach(flags, 'public-attribute', parsePublicAttribute)) {
    merged.set(key, [...new Set([...(merged.get(key) ?? []), ...values])]);
  }
  return Object.fromEntries(merged);
}

function splitNames(text: string): string[] {
  return text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

// The scale may be negative, which parseWholeValue does not accept.
function wholeNumber(text: string, label: string): number {
  const value = Number(text.trim());
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
    throw new UsageError(`${label} is "${text}", must be a whole number`);
  }
  return value;
}

/**
 * The processor names the flag it was given for the field (`--epsilon is 0,
 * …`); when the value came from a variable, say which, or the user looks
 * for a flag they never gave.
 */
function withVariableHint(error: unknown, flags: FlagReader): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const field = (error as { field?: unknown }).field;
  const flag = typeof field === 'string' ? flagOf(PROCESSOR_FIELD_FLAGS, field) : undefined;
  if (flag !== undefined && flags.isExplicit(flag) && flags.label(flag) !== `--${flag}`) {
    return new UsageError(`${message} (set by ${flags.label(flag)})`, { cause: error });
  }
  return new UsageError(message, { cause: error });
}
