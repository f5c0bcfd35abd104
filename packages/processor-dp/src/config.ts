import { CodedError } from '@otel-dp/otlp';
import { isNoiseMechanismName, NOISE_MECHANISM_NAMES, type NoiseMechanismName } from './noise/mechanisms.js';

export type { NoiseMechanismName } from './noise/mechanisms.js';

/** Clamp bounds for one metric: the range of one token's window total per series. */
export interface ClipBounds {
  lower: number;
  upper: number;
}

/** `--clip METRIC_GLOB=LO:HI`: bounds for the metrics whose name matches the glob. */
export interface ClipRule extends ClipBounds {
  /** Glob on the metric name: `*` matches any run of characters, `?` exactly one. */
  pattern: string;
}

/** `--clip-count METRIC_GLOB=N`: the most measurements one token adds to one histogram series per window. */
export interface ClipCountRule {
  pattern: string;
  count: number;
}

export type GaugeAggregation = 'mean' | 'sum';

/** `--gauge-aggregation METRIC_GLOB=mean|sum`. */
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
  /** `--window`: length of a tumbling window in milliseconds, aligned to multiples of it on the wall clock. Default 60 000. */
  windowMillis: number;
  /** `--token-attribute`: attribute that carries the API token (point, then scope, then resource). Default `api.token`. */
  tokenAttribute: string;
  /** `--untokened`: `drop` (default, fail closed, reported as rejected) or `pass` (forwarded without exemplars, credentials, or the token attribute when it holds no usable token). */
  untokened: UntokenedPolicy;
  /** `--max-series-per-token`: k, the most series one token contributes to per window. Default 10; at least 1. */
  maxSeriesPerToken: number;
  /** `--clip`: first matching rule wins; {@link DEFAULT_CLIP} when none matches. */
  clip: ClipRule[];
  /** `--mechanism`: discrete Gaussian (default, (ε, δ) through zCDP) or discrete Laplace (pure ε for values). */
  mechanism: NoiseMechanismName;
  /** `--epsilon`: ε spent by each window's whole release. Default 1. */
  epsilon: number;
  /** `--delta`: δ spent by each window's whole release (partition selection, and the zCDP conversion for Gaussian). Default 1e-6. */
  delta: number;
  /** `--output-temporality`: `cumulative` (default: running totals of the per-window releases) or `delta`. */
  outputTemporality: OutputTemporality;
  /** `--counter-projection`: `monotone` (default) or `none`. */
  counterProjection?: CounterProjection;
  /** `--undeclared-series`: `select` (default) or `drop`; with `drop` no budget goes to partition selection. */
  undeclaredSeries?: UndeclaredSeriesPolicy;
  /** `--export-stderr`: write `<metric>.dp.stderr` beside every released series. Default false. */
  exportStdErr?: boolean;
  /** `--clip-count`: first matching rule wins; {@link DEFAULT_CLIP_COUNT} when none matches. */
  clipCount?: ClipCountRule[];
  /** `--gauge-aggregation`: first matching rule wins; `mean` when none matches. */
  gaugeAggregation?: GaugeAggregationRule[];
  /** `--exp-histogram-scale`: the scale exponential histograms are released at. Default 3; -10 to 20. */
  exponentialHistogramScale?: number;
  /** `--exp-histogram-buckets`: buckets per sign of a released exponential histogram. Default 160; 1 to 1000. */
  exponentialHistogramBuckets?: number;
  /** `--public-attribute KEY=V1,V2`: known values; a series built only from these skips partition selection. */
  publicAttributes?: Record<string, string[]>;
  /** `--drop-attribute`: attributes always removed. */
  dropAttributes?: string[];
  /** `--keep-attributes`: when not empty, the only attributes kept (the token is always removed). */
  keepAttributes?: string[];
  /** `--budget-horizon`: the interval the accountant composes windows over, in ms. Default 24 h. */
  budgetHorizonMillis?: number;
  /** `--max-epsilon-horizon`: cap on ε over the horizon; unset means report only. */
  maxEpsilonHorizon?: number;
  /** `--state-dir`: where the budget ledger persists across restarts; required with a cap. */
  stateDir?: string;
  /** `--start-fresh-budget`: a `--state-dir` with other files but no ledger and no otel-dp marker starts an empty ledger instead of being refused. Default false. */
  startFreshBudget?: boolean;
  /** `--max-tokens`: distinct tokens one window holds; past it, data is refused with a retryable answer. Default 100,000. */
  maxTokens?: number;
  /** `--max-series`: distinct series one window holds, and public series kept across windows. Default 100,000. */
  maxSeries?: number;
  /**
   * `--max-window-bytes`: bytes the open window's tokens, series and (token,
   * series) entries are counted at, each entry at its kind's width (see
   * `WindowContributions.bytes`); past it new ones are refused with a
   * retryable answer. The baselines of cumulative input are held to the same
   * number of bytes. Default 32 MiB.
   */
  maxWindowBytes?: number;
}

/** Used for a metric that no `--clip` rule matches: a counter increment of at most 1000 per token per window. */
export const DEFAULT_CLIP: ClipBounds = Object.freeze({ lower: 0, upper: 1000 });

/** Used for a histogram metric that no `--clip-count` rule matches. */
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
 * Fixed here, never derived from the data; none under `--undeclared-series drop`.
 */
export const SELECTION_BUDGET_SHARE = 0.5;

/** Invalid configuration; the message names the flag. */
export class DpConfigError extends CodedError<'DP_CONFIG'> {
  constructor(message: string) {
    super('DP_CONFIG', message);
  }
}

/** Parses `METRIC_GLOB=LO:HI`, e.g. `http.server.*=0:100`. */
export function parseClipRule(text: string, flag = '--clip'): ClipRule {
  const [pattern, range] = splitRule(text, flag, 'METRIC_GLOB=LO:HI');
  const colon = range.indexOf(':');
  if (colon <= 0 || colon === range.length - 1) throw new DpConfigError(`${flag} is "${text}", must be METRIC_GLOB=LO:HI`);
  const lower = Number(range.slice(0, colon));
  const upper = Number(range.slice(colon + 1));
  const rule = { pattern, lower, upper };
  validateClip(rule, `${flag} ${text}`);
  return rule;
}

/** Parses `METRIC_GLOB=N`, e.g. `http.server.duration=50`. */
export function parseClipCountRule(text: string, flag = '--clip-count'): ClipCountRule {
  const [pattern, value] = splitRule(text, flag, 'METRIC_GLOB=N');
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 2 ** 30) {
    throw new DpConfigError(`${flag} is "${text}", the count must be a whole number from 1 to 2^30`);
  }
  return { pattern, count };
}

/** Parses `METRIC_GLOB=mean|sum`. */
export function parseGaugeAggregationRule(text: string, flag = '--gauge-aggregation'): GaugeAggregationRule {
  const [pattern, aggregation] = splitRule(text, flag, 'METRIC_GLOB=mean|sum');
  if (aggregation !== 'mean' && aggregation !== 'sum') throw new DpConfigError(`${flag} is "${text}", must be METRIC_GLOB=mean|sum`);
  return { pattern, aggregation };
}

/** Parses `KEY=V1,V2,…` into a key and its public values. */
export function parsePublicAttribute(text: string, flag = '--public-attribute'): [string, string[]] {
  const eq = text.indexOf('=');
  const key = eq < 0 ? '' : text.slice(0, eq);
  const values = eq < 0 ? [] : text.slice(eq + 1).split(',').filter((value) => value !== '');
  if (key === '' || values.length === 0) throw new DpConfigError(`${flag} is "${text}", must be KEY=V1,V2,…`);
  return [key, values];
}

function splitRule(text: string, flag: string, form: string): [string, string] {
  const eq = text.lastIndexOf('=');
  if (eq <= 0) throw new DpConfigError(`${flag} is "${text}", must be ${form}`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

function validateClip(bounds: ClipBounds, what: string): void {
  const { lower, upper } = bounds;
  if (!Number.isFinite(lower) || !Number.isFinite(upper)) {
    throw new DpConfigError(`${what}: bounds must be finite numbers`);
  }
  if (lower > upper) {
    throw new DpConfigError(`${what}: lower bound ${lower} is above upper bound ${upper}`);
  }
  if (lower === 0 && upper === 0) {
    throw new DpConfigError(`${what}: bounds 0:0 would release nothing but noise`);
  }
}

/** Fails fast on the first invalid field, with a message that names its flag. */
export function validateDpProcessorConfig(config: DpProcessorConfig): void {
  const { windowMillis, maxSeriesPerToken, epsilon, delta } = config;
  if (!Number.isInteger(windowMillis) || windowMillis < 100) {
    throw new DpConfigError(`--window is ${windowMillis}ms, must be a whole number of milliseconds, at least 100ms`);
  }
  if (config.tokenAttribute === '') {
    throw new DpConfigError('--token-attribute is empty, must name an attribute');
  }
  if (config.untokened !== 'drop' && config.untokened !== 'pass') {
    throw new DpConfigError(`--untokened is ${String(config.untokened)}, must be drop or pass`);
  }
  if (!Number.isInteger(maxSeriesPerToken) || maxSeriesPerToken < 1) {
    throw new DpConfigError(`--max-series-per-token is ${maxSeriesPerToken}, must be at least 1`);
  }
  if (!isNoiseMechanismName(config.mechanism)) {
    throw new DpConfigError(`--mechanism is ${String(config.mechanism)}, must be ${NOISE_MECHANISM_NAMES.join(' or ')}`);
  }
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) {
    throw new DpConfigError(`--epsilon is ${epsilon}, must be positive and finite`);
  }
  if (!(delta > 0 && delta < 1)) {
    throw new DpConfigError(`--delta is ${delta}, must be between 0 and 1 (exclusive)`);
  }
  if (config.outputTemporality !== 'cumulative' && config.outputTemporality !== 'delta') {
    throw new DpConfigError(`--output-temporality is ${String(config.outputTemporality)}, must be cumulative or delta`);
  }
  if (config.counterProjection !== undefined && config.counterProjection !== 'monotone' && config.counterProjection !== 'none') {
    throw new DpConfigError(`--counter-projection is ${String(config.counterProjection)}, must be monotone or none`);
  }
  if (config.undeclaredSeries !== undefined && config.undeclaredSeries !== 'select' && config.undeclaredSeries !== 'drop') {
    throw new DpConfigError(`--undeclared-series is ${String(config.undeclaredSeries)}, must be select or drop`);
  }
  for (const rule of config.clip) {
    if (rule.pattern === '') throw new DpConfigError('--clip has an empty metric pattern');
    validateClip(rule, `--clip ${rule.pattern}=${rule.lower}:${rule.upper}`);
  }
  for (const rule of config.clipCount ?? []) {
    if (!Number.isInteger(rule.count) || rule.count < 1 || rule.count > 2 ** 30) {
      throw new DpConfigError(`--clip-count ${rule.pattern}=${rule.count}: the count must be a whole number from 1 to 2^30`);
    }
  }
  const scale = config.exponentialHistogramScale ?? DEFAULT_EXPONENTIAL_SCALE;
  if (!Number.isInteger(scale) || scale < -10 || scale > 20) {
    throw new DpConfigError(`--exp-histogram-scale is ${scale}, must be a whole number from -10 to 20`);
  }
  const buckets = config.exponentialHistogramBuckets ?? DEFAULT_EXPONENTIAL_BUCKETS;
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > 1000) {
    throw new DpConfigError(`--exp-histogram-buckets is ${buckets}, must be a whole number from 1 to 1000`);
  }
  const horizon = config.budgetHorizonMillis ?? DEFAULT_BUDGET_HORIZON_MILLIS;
  if (!Number.isFinite(horizon) || horizon < windowMillis) {
    throw new DpConfigError(`--budget-horizon is ${horizon}ms, must be at least one window (${windowMillis}ms)`);
  }
  for (const [flag, value] of [['--max-tokens', config.maxTokens], ['--max-series', config.maxSeries]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new DpConfigError(`${flag} is ${value}, must be at least 1`);
  }
  const windowBytes = config.maxWindowBytes;
  if (windowBytes !== undefined && (!Number.isInteger(windowBytes) || windowBytes < MIN_WINDOW_BYTES)) {
    throw new DpConfigError(`--max-window-bytes is ${windowBytes}, must be a whole number of at least ${MIN_WINDOW_BYTES}`);
  }
  const cap = config.maxEpsilonHorizon;
  if (cap !== undefined) {
    if (!(cap > 0) || !Number.isFinite(cap)) throw new DpConfigError(`--max-epsilon-horizon is ${cap}, must be positive and finite`);
    if (config.stateDir === undefined || config.stateDir === '') {
      throw new DpConfigError('--max-epsilon-horizon needs --state-dir, so that a restart cannot reset the spent budget');
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
