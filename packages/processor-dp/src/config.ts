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

export type NoiseMechanismName = 'laplace' | 'gaussian';
export type OutputTemporality = 'cumulative' | 'delta';
export type UntokenedPolicy = 'drop' | 'pass';

export interface DpProcessorConfig {
  /** `--window`: length of a tumbling window in milliseconds, aligned to multiples of it on the wall clock. Default 60 000. */
  windowMillis: number;
  /** `--token-attribute`: attribute that carries the API token (point, then scope, then resource). Default `api.token`. */
  tokenAttribute: string;
  /** `--untokened`: `drop` (default, fail closed, reported as rejected) or `pass` (forwarded untouched, without exemplars). */
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
  /** `--output-temporality`: `cumulative` (default, running total of released deltas) or `delta`. */
  outputTemporality: OutputTemporality;
}

/** Used for a metric that no `--clip` rule matches: a counter increment of at most 1000 per token per window. */
export const DEFAULT_CLIP: ClipBounds = Object.freeze({ lower: 0, upper: 1000 });

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
 * Fixed here, never derived from the data.
 */
export const SELECTION_BUDGET_SHARE = 0.5;

/** Invalid configuration; the message names the flag. */
export class DpConfigError extends Error {
  readonly code = 'DP_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'DpConfigError';
  }
}

/** Parses `METRIC_GLOB=LO:HI`, e.g. `http.server.*=0:100`. */
export function parseClipRule(text: string, flag = '--clip'): ClipRule {
  const eq = text.lastIndexOf('=');
  const range = eq < 0 ? '' : text.slice(eq + 1);
  const colon = range.indexOf(':');
  const pattern = eq < 0 ? '' : text.slice(0, eq);
  if (pattern === '' || colon < 0) {
    throw new DpConfigError(`${flag} is "${text}", must be METRIC_GLOB=LO:HI`);
  }
  const lower = Number(range.slice(0, colon));
  const upper = Number(range.slice(colon + 1));
  const rule = { pattern, lower, upper };
  validateClip(rule, `${flag} ${text}`);
  return rule;
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
  if (config.mechanism !== 'laplace' && config.mechanism !== 'gaussian') {
    throw new DpConfigError(`--mechanism is ${String(config.mechanism)}, must be laplace or gaussian`);
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
  for (const rule of config.clip) {
    if (rule.pattern === '') throw new DpConfigError('--clip has an empty metric pattern');
    validateClip(rule, `--clip ${rule.pattern}=${rule.lower}:${rule.upper}`);
  }
}

/** Metric names are client-chosen, so the lookup cache is bounded. */
const CLIP_CACHE_LIMIT = 10_000;

/** Compiles the clip rules once; lookups are cached per metric name. */
export class ClipTable {
  private readonly rules: { regex: RegExp; bounds: ClipBounds }[];
  private readonly cache = new Map<string, ClipBounds>();

  constructor(rules: readonly ClipRule[]) {
    this.rules = rules.map((rule) => ({ regex: globToRegExp(rule.pattern), bounds: { lower: rule.lower, upper: rule.upper } }));
  }

  boundsFor(metricName: string): ClipBounds {
    let bounds = this.cache.get(metricName);
    if (bounds === undefined) {
      bounds = this.rules.find((rule) => rule.regex.test(metricName))?.bounds ?? DEFAULT_CLIP;
      if (this.cache.size >= CLIP_CACHE_LIMIT) this.cache.clear();
      this.cache.set(metricName, bounds);
    }
    return bounds;
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
