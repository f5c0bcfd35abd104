import { CodedError } from '@otel-dp/otlp';
import { isNoiseMechanismName, NOISE_MECHANISM_NAMES, type NoiseMechanismName } from './noise/mechanisms.js';

export type { NoiseMechanismName } from './noise/mechanisms.js';

/** Clamp bounds for one metric: the range of one token's window total per series. */
export interface ClipBounds {
  lower: number;
  upper: number;
}

/** A `clip` rule, `METRIC_GLOB=LO:HI` in text: bounds for the metrics whose name matches the glob. */
export interface ClipRule extends ClipBounds {
  /** Glob on the metric name: `*` matches any run of characters, `?` exactly one. */
  pattern: string;
}

/** A `clipCount` rule, `METRIC_GLOB=N` in text: the most measurements one token adds to one histogram series per window. */
export interface ClipCountRule {
  pattern: string;
  count: number;
}

export type GaugeAggregation = 'mean' | 'sum';

/** A `gaugeAggregation` rule, `METRIC_GLOB=mean|sum` in text. */
export interface GaugeAggregationRule {
  pattern: string;
  aggregation: GaugeAggregation;
}

export type OutputTemporality = 'cumulative' | 'delta';
export type UntokenedPolicy = 'drop' | 'pass';
/**
 * How released counters and histogram counts are projected (see `kinds/released-totals.ts`):
 * `monotone` never lets them decrease, at a bounded bias; `none` releases the
 * unbiased running totals, and monotonic sums are written as non-monotonic.
 */
export type CounterProjection = 'monotone' | 'none';
/** What becomes of a series that is not made of declared public values: `select` by noisy token count, or `drop` it. */
export type UndeclaredSeriesPolicy = 'select' | 'drop';

export interface DpProcessorConfig {
  /** length of a tumbling window in milliseconds, aligned to multiples of it on the wall clock. Default 60 000. */
  windowMillis: number;
  /** attribute that carries the API token (point, then scope, then resource). Default `api.token`. */
  tokenAttribute: string;
  /** `drop` (default, fail closed, reported as rejected) or `pass` (forwarded without exemplars, credentials, or the token attribute when it holds no usable token). */
  untokened: UntokenedPolicy;
  /** k, the most series one token contributes to per window. Default 10; at least 1. */
  maxSeriesPerToken: number;
  /** first matching rule wins; {@link DEFAULT_CLIP} when none matches. */
  clip: ClipRule[];
  /** discrete Gaussian (default, (ε, δ) through zCDP) or discrete Laplace (pure ε for values). */
  mechanism: NoiseMechanismName;
  /** ε spent by each window's whole release. Default 1. */
  epsilon: number;
  /** δ spent by each window's whole release (partition selection, and the zCDP conversion for Gaussian). Default 1e-6. */
  delta: number;
  /** `cumulative` (default: running totals of the per-window releases) or `delta`. */
  outputTemporality: OutputTemporality;
  /** `monotone` (default) or `none`. */
  counterProjection?: CounterProjection;
  /** `select` (default) or `drop`; with `drop` no budget goes to partition selection. */
  undeclaredSeries?: UndeclaredSeriesPolicy;
  /** write `<metric>.dp.stderr` beside every released series. Default false. */
  exportStdErr?: boolean;
  /** first matching rule wins; {@link DEFAULT_CLIP_COUNT} when none matches. */
  clipCount?: ClipCountRule[];
  /** first matching rule wins; `mean` when none matches. */
  gaugeAggregation?: GaugeAggregationRule[];
  /** the scale exponential histograms are released at. Default 3; -10 to 20. */
  exponentialHistogramScale?: number;
  /** buckets per sign of a released exponential histogram. Default 160; 1 to 1000. */
  exponentialHistogramBuckets?: number;
  /** known values; a series built only from these skips partition selection. */
  publicAttributes?: Record<string, string[]>;
  /** attributes always removed. */
  dropAttributes?: string[];
  /** when not empty, the only attributes kept (the token is always removed). */
  keepAttributes?: string[];
  /** the interval the accountant composes windows over, in ms. Default 24 h. */
  budgetHorizonMillis?: number;
  /** cap on ε over the horizon; unset means report only. */
  maxEpsilonHorizon?: number;
  /** where the budget ledger persists across restarts; required with a cap. */
  stateDir?: string;
  /** a `stateDir` with other files but no ledger and no otel-dp marker starts an empty ledger instead of being refused. Default false. */
  startFreshBudget?: boolean;
  /** distinct tokens one window holds; past it, data is refused with a retryable answer. Default 100,000. */
  maxTokens?: number;
  /** distinct series one window holds, and public series kept across windows. Default 100,000. */
  maxSeries?: number;
  /**
   * Bytes the open window's tokens, series and (token,
   * series) entries are counted at, each entry at its kind's width (see
   * `WindowContributions.bytes`); past it new ones are refused with a
   * retryable answer. The baselines of cumulative input are held to the same
   * number of bytes. Default 32 MiB.
   */
  maxWindowBytes?: number;
}

/** Used for a metric that no `clip` rule matches: a counter increment of at most 1000 per token per window. */
export const DEFAULT_CLIP: ClipBounds = Object.freeze({ lower: 0, upper: 1000 });

/** Used for a histogram metric that no `clipCount` rule matches. */
export const DEFAULT_CLIP_COUNT = 100;
export const DEFAULT_EXPONENTIAL_SCALE = 3;
export const DEFAULT_EXPONENTIAL_BUCKETS = 160;
export const DEFAULT_BUDGET_HORIZON_MILLIS = 24 * 3600_000;

export const DEFAULT_MAX_TOKENS = 100_000;
export const DEFAULT_MAX_SERIES = 100_000;
/**
 * Sized for the sidecar's 256 MiB memory limit: the open window, the window
 * being released and the cumulative baselines each stay within it (with the
 * arrays' growth room), beside the receiver's 64 MiB of requests in flight.
 */
export const DEFAULT_MAX_WINDOW_BYTES = 32 * 1024 * 1024;

/** Room for one exponential histogram entry of the widest layout (2002 numbers) with its token and series. */
export const MIN_WINDOW_BYTES = 64 * 1024;
export const DEFAULT_WINDOW_MILLIS = 60_000;
export const DEFAULT_TOKEN_ATTRIBUTE = 'api.token';
export const DEFAULT_MAX_SERIES_PER_TOKEN = 10;
export const DEFAULT_EPSILON = 1;
export const DEFAULT_DELTA = 1e-6;

export const DEFAULT_DP_CONFIG: DpProcessorConfig = Object.freeze({
  windowMillis: DEFAULT_WINDOW_MILLIS,
  tokenAttribute: DEFAULT_TOKEN_ATTRIBUTE,
  untokened: 'drop',
  maxSeriesPerToken: DEFAULT_MAX_SERIES_PER_TOKEN,
  clip: [],
  mechanism: 'gaussian',
  epsilon: DEFAULT_EPSILON,
  delta: DEFAULT_DELTA,
  outputTemporality: 'cumulative',
}) as DpProcessorConfig;

/**
 * Share of each window's budget spent on partition selection (the noisy
 * distinct-token count of series not yet released); the rest goes to values.
 * Fixed here, never derived from the data; none when `undeclaredSeries` is `drop`.
 */
export const SELECTION_BUDGET_SHARE = 0.5;

/** A field of {@link DpProcessorConfig}, as validation errors and limit messages name it. */
export type DpConfigField = keyof DpProcessorConfig;

/**
 * What a message calls a setting: by default the field's own name; a
 * program that sets the fields from its own options (the sidecar's flags)
 * gives its names, so that users read the name they typed.
 */
export type SettingName<Field extends string = DpConfigField> = (field: Field) => string;

/** Names each setting by its field. */
export function fieldName<Field extends string>(field: Field): string {
  return field;
}

/**
 * The configuration with every default filled in, as {@link resolveDpProcessorConfig}
 * returns it: only the cap and the state directory stay optional, since
 * their absence means something (no cap, a ledger in memory).
 */
export type ResolvedDpProcessorConfig = Required<Omit<DpProcessorConfig, 'maxEpsilonHorizon' | 'stateDir'>> &
  Pick<DpProcessorConfig, 'maxEpsilonHorizon' | 'stateDir'>;

/** Invalid configuration: `field` is the setting at fault, and the message names it. */
export class DpConfigError extends CodedError<'DP_CONFIG'> {
  /** The configuration field (or option) at fault, e.g. `maxWindowBytes`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super('DP_CONFIG', message);
    this.field = field;
  }
}

/** Every field at its default: what a processor given only the required fields runs with. */
export function createDefaultConfig(): ResolvedDpProcessorConfig {
  return {
    ...DEFAULT_DP_CONFIG,
    clip: [],
    counterProjection: 'monotone',
    undeclaredSeries: 'select',
    exportStdErr: false,
    clipCount: [],
    gaugeAggregation: [],
    exponentialHistogramScale: DEFAULT_EXPONENTIAL_SCALE,
    exponentialHistogramBuckets: DEFAULT_EXPONENTIAL_BUCKETS,
    publicAttributes: {},
    dropAttributes: [],
    keepAttributes: [],
    budgetHorizonMillis: DEFAULT_BUDGET_HORIZON_MILLIS,
    startFreshBudget: false,
    maxTokens: DEFAULT_MAX_TOKENS,
    maxSeries: DEFAULT_MAX_SERIES,
    maxWindowBytes: DEFAULT_MAX_WINDOW_BYTES,
  };
}

/**
 * Validates once and fills every unset field with its default; the
 * processor uses the result everywhere after.
 * @throws {DpConfigError} for the first invalid field, named by `settingName`.
 */
export function resolveDpProcessorConfig(config: DpProcessorConfig, settingName: SettingName = fieldName): ResolvedDpProcessorConfig {
  validateDpProcessorConfig(config, settingName);
  const resolved = createDefaultConfig();
  for (const [key, value] of Object.entries(config)) {
    if (value !== undefined) Object.assign(resolved, { [key]: value });
  }
  resolved.clip = [...config.clip];
  return resolved;
}

/** Parses `METRIC_GLOB=LO:HI`, e.g. `http.server.*=0:100`. */
export function parseClipRule(text: string, flag = 'clip'): ClipRule {
  const [pattern, range] = splitRule(text, 'clip', flag, 'METRIC_GLOB=LO:HI');
  const colon = range.indexOf(':');
  if (colon <= 0 || colon === range.length - 1) throw new DpConfigError('clip', `${flag} is "${text}", must be METRIC_GLOB=LO:HI`);
  const lower = Number(range.slice(0, colon));
  const upper = Number(range.slice(colon + 1));
  const rule = { pattern, lower, upper };
  validateClip(rule, `${flag} ${text}`);
  return rule;
}

/** Parses `METRIC_GLOB=N`, e.g. `http.server.duration=50`. */
export function parseClipCountRule(text: string, flag = 'clipCount'): ClipCountRule {
  const [pattern, value] = splitRule(text, 'clipCount', flag, 'METRIC_GLOB=N');
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 2 ** 30) {
    throw new DpConfigError('clipCount', `${flag} is "${text}", the count must be a whole number from 1 to 2^30`);
  }
  return { pattern, count };
}

/** Parses `METRIC_GLOB=mean|sum`. */
export function parseGaugeAggregationRule(text: string, flag = 'gaugeAggregation'): GaugeAggregationRule {
  const [pattern, aggregation] = splitRule(text, 'gaugeAggregation', flag, 'METRIC_GLOB=mean|sum');
  if (aggregation !== 'mean' && aggregation !== 'sum') throw new DpConfigError('gaugeAggregation', `${flag} is "${text}", must be METRIC_GLOB=mean|sum`);
  return { pattern, aggregation };
}

/** Parses `KEY=V1,V2,…` into a key and its public values. */
export function parsePublicAttribute(text: string, flag = 'publicAttributes'): [string, string[]] {
  const eq = text.indexOf('=');
  const key = eq < 0 ? '' : text.slice(0, eq);
  const values = eq < 0 ? [] : text.slice(eq + 1).split(',').filter((value) => value !== '');
  if (key === '' || values.length === 0) throw new DpConfigError('publicAttributes', `${flag} is "${text}", must be KEY=V1,V2,…`);
  return [key, values];
}

function splitRule(text: string, field: DpConfigField, flag: string, form: string): [string, string] {
  const eq = text.lastIndexOf('=');
  if (eq <= 0) throw new DpConfigError(field, `${flag} is "${text}", must be ${form}`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

function validateClip(bounds: ClipBounds, what: string): void {
  const { lower, upper } = bounds;
  if (!Number.isFinite(lower) || !Number.isFinite(upper)) {
    throw new DpConfigError('clip', `${what}: bounds must be finite numbers`);
  }
  if (lower > upper) {
    throw new DpConfigError('clip', `${what}: lower bound ${lower} is above upper bound ${upper}`);
  }
  if (lower === 0 && upper === 0) {
    throw new DpConfigError('clip', `${what}: bounds 0:0 would release nothing but noise`);
  }
}

/** Fails fast on the first invalid field, with a {@link DpConfigError} that carries it and a message that names it. */
export function validateDpProcessorConfig(config: DpProcessorConfig, settingName: SettingName = fieldName): void {
  const fail = (field: DpConfigField, rest: string): never => {
    throw new DpConfigError(field, `${settingName(field)} ${rest}`);
  };
  const { windowMillis, maxSeriesPerToken, epsilon, delta } = config;
  if (!Number.isInteger(windowMillis) || windowMillis < 100) {
    fail('windowMillis', `is ${windowMillis}ms, must be a whole number of milliseconds, at least 100ms`);
  }
  if (config.tokenAttribute === '') {
    fail('tokenAttribute', 'is empty, must name an attribute');
  }
  if (config.untokened !== 'drop' && config.untokened !== 'pass') {
    fail('untokened', `is ${String(config.untokened)}, must be drop or pass`);
  }
  if (!Number.isInteger(maxSeriesPerToken) || maxSeriesPerToken < 1) {
    fail('maxSeriesPerToken', `is ${maxSeriesPerToken}, must be at least 1`);
  }
  if (!isNoiseMechanismName(config.mechanism)) {
    fail('mechanism', `is ${String(config.mechanism)}, must be ${NOISE_MECHANISM_NAMES.join(' or ')}`);
  }
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) {
    fail('epsilon', `is ${epsilon}, must be positive and finite`);
  }
  if (!(delta > 0 && delta < 1)) {
    fail('delta', `is ${delta}, must be between 0 and 1 (exclusive)`);
  }
  if (config.outputTemporality !== 'cumulative' && config.outputTemporality !== 'delta') {
    fail('outputTemporality', `is ${String(config.outputTemporality)}, must be cumulative or delta`);
  }
  if (config.counterProjection !== undefined && config.counterProjection !== 'monotone' && config.counterProjection !== 'none') {
    fail('counterProjection', `is ${String(config.counterProjection)}, must be monotone or none`);
  }
  if (config.undeclaredSeries !== undefined && config.undeclaredSeries !== 'select' && config.undeclaredSeries !== 'drop') {
    fail('undeclaredSeries', `is ${String(config.undeclaredSeries)}, must be select or drop`);
  }
  for (const rule of config.clip) {
    if (rule.pattern === '') fail('clip', 'has an empty metric pattern');
    validateClip(rule, `${settingName('clip')} ${rule.pattern}=${rule.lower}:${rule.upper}`);
  }
  for (const rule of config.clipCount ?? []) {
    if (!Number.isInteger(rule.count) || rule.count < 1 || rule.count > 2 ** 30) {
      fail('clipCount', `${rule.pattern}=${rule.count}: the count must be a whole number from 1 to 2^30`);
    }
  }
  const scale = config.exponentialHistogramScale ?? DEFAULT_EXPONENTIAL_SCALE;
  if (!Number.isInteger(scale) || scale < -10 || scale > 20) {
    fail('exponentialHistogramScale', `is ${scale}, must be a whole number from -10 to 20`);
  }
  const buckets = config.exponentialHistogramBuckets ?? DEFAULT_EXPONENTIAL_BUCKETS;
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > 1000) {
    fail('exponentialHistogramBuckets', `is ${buckets}, must be a whole number from 1 to 1000`);
  }
  const horizon = config.budgetHorizonMillis ?? DEFAULT_BUDGET_HORIZON_MILLIS;
  if (!Number.isFinite(horizon) || horizon < windowMillis) {
    fail('budgetHorizonMillis', `is ${horizon}ms, must be at least one window (${windowMillis}ms)`);
  }
  for (const [field, value] of [['maxTokens', config.maxTokens], ['maxSeries', config.maxSeries]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) fail(field, `is ${value}, must be at least 1`);
  }
  const windowBytes = config.maxWindowBytes;
  if (windowBytes !== undefined && (!Number.isInteger(windowBytes) || windowBytes < MIN_WINDOW_BYTES)) {
    fail('maxWindowBytes', `is ${windowBytes}, must be a whole number of at least ${MIN_WINDOW_BYTES}`);
  }
  const cap = config.maxEpsilonHorizon;
  if (cap !== undefined) {
    if (!(cap > 0) || !Number.isFinite(cap)) fail('maxEpsilonHorizon', `is ${cap}, must be positive and finite`);
    if (config.stateDir === undefined || config.stateDir === '') {
      fail('maxEpsilonHorizon', `needs ${settingName('stateDir')}, so that a restart cannot reset the spent budget`);
    }
  }
}

/** Metric names are client-chosen, so the lookup cache is bounded. */
const GLOB_CACHE_LIMIT = 10_000;

/** First-match lookup of a per-metric setting by glob on the metric name; compiled once, cached per name. */
export class MetricGlobTable<T> {
  private readonly rules: { regex: RegExp; value: T }[];
  private readonly cache = new Map<string, T>();

  constructor(rules: readonly { pattern: string; value: T }[], private readonly fallback: T) {
    this.rules = rules.map((rule) => ({ regex: globToRegExp(rule.pattern), value: rule.value }));
  }

  lookup(metricName: string): T {
    let value = this.cache.get(metricName);
    if (value === undefined) {
      value = this.rules.find((rule) => rule.regex.test(metricName))?.value ?? this.fallback;
      if (this.cache.size >= GLOB_CACHE_LIMIT) this.cache.clear();
      this.cache.set(metricName, value);
    }
    return value;
  }
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[\\^$.+()[\]{}|/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}
