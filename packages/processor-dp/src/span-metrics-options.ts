import type { ExportMetricsServiceRequest } from '@otel-dp/otlp';
import {
  DEFAULT_EXPONENTIAL_BUCKETS,
  DEFAULT_EXPONENTIAL_SCALE,
  DpConfigError,
  fieldName,
  type ClipCountRule,
  type ClipRule,
  type DpProcessorConfig,
  type UntokenedPolicy,
  type SettingName,
} from './config.js';

// What span metrics can be asked for, and the checks run once at start-up.

/** `traces.span.metrics.calls`: a monotonic delta sum, one per span. */
export const SPAN_CALLS_METRIC = 'traces.span.metrics.calls';
/** `traces.span.metrics.duration`: a delta histogram of end − start, in ms. */
export const SPAN_DURATION_METRIC = 'traces.span.metrics.duration';

/**
 * A token's calls per span metrics series (one route, kind and status of
 * one service) and window that count: 100, as many as the duration
 * histogram's default `clipCount`, so that a token's calls and its
 * durations' count are bounded alike and the released histogram count
 * matches the released calls. With the default one-minute window that is
 * more than one call a second on one route, per token.
 */
export const DEFAULT_SPAN_CALLS_PER_WINDOW = 100;
/**
 * The range of one span duration, in ms: up to the connector's last default
 * bound, 15 s. Longer spans still land in the overflow bucket; only their
 * share of the histogram's sum is clamped.
 */
export const DEFAULT_SPAN_DURATION_CLIP_MS = 15_000;
/** `clip` rules for the span metrics, taken when no rule of the user's matches their names (first match wins). */
export const SPAN_METRICS_CLIP_RULES: readonly ClipRule[] = Object.freeze([
  Object.freeze({ pattern: SPAN_CALLS_METRIC, lower: 0, upper: DEFAULT_SPAN_CALLS_PER_WINDOW }),
  Object.freeze({ pattern: SPAN_DURATION_METRIC, lower: 0, upper: DEFAULT_SPAN_DURATION_CLIP_MS }),
]);
/** The `clipCount` rule for the duration histogram, taken likewise. */
export const SPAN_METRICS_CLIP_COUNT_RULES: readonly ClipCountRule[] = Object.freeze([
  Object.freeze({ pattern: SPAN_DURATION_METRIC, count: DEFAULT_SPAN_CALLS_PER_WINDOW }),
]);

/**
 * The processor configuration with the span metrics' clip and clip-count
 * defaults after the user's rules: first match wins, so a user rule matching
 * `traces.span.metrics.calls` or `.duration` (`traces.span.metrics.*=0:500`,
 * or `'*=…'`) takes precedence over them, and other metrics are untouched.
 */
export function withSpanMetricsClipDefaults(config: DpProcessorConfig): DpProcessorConfig {
  return { ...config, clip: [...config.clip, ...SPAN_METRICS_CLIP_RULES], clipCount: [...(config.clipCount ?? []), ...SPAN_METRICS_CLIP_COUNT_RULES] };
}

/**
 * The connector's default explicit bounds in milliseconds
 * (`defaultHistogramBucketsMs` in connector/spanmetricsconnector/config.go).
 */
export const DEFAULT_SPAN_DURATION_BOUNDS_MS: readonly number[] = Object.freeze([
  2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10_000, 15_000,
]);
/** The dimensions every point has; `spanDimensions` may not name them again. */
export const SPAN_METRICS_DIMENSIONS: readonly string[] = Object.freeze(['service.name', 'span.name', 'span.kind', 'status.code']);
/** `span.kind` values, by `SpanKind` number. */
export const SPAN_KIND_NAMES: readonly string[] = Object.freeze([
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
]);

/** How `traces.span.metrics.duration` is written: the connector's two histogram forms. */
export type SpanDurationHistogram = 'explicit' | 'exponential';

export interface SpanMetricsOptions {
  /** The attribute holding the token, looked up on the span, then its scope, then its resource. */
  tokenAttribute: string;
  /** `drop`: untokened spans are only counted; `pass`: their points are produced without a token, for the processor's own `pass` handling. */
  untokened: UntokenedPolicy;
  /** Time stamped on every produced point (start and end), as the connector stamps its flush time; no span's own time is used. */
  timeUnixNano: bigint;
  /** Explicit bounds in ms, strictly increasing; default {@link DEFAULT_SPAN_DURATION_BOUNDS_MS}. */
  durationBoundsMs?: readonly number[];
  /**
   * Extra dimensions: attribute names looked up on the
   * span, then its resource; a span with neither has no such attribute on
   * its points. Strings, integers, doubles and booleans are copied; arrays,
   * key-value lists and bytes count as absent. Default none.
   */
  spanDimensions?: readonly string[];
  /** `SpanKind` numbers of the spans counted; spans of other kinds are skipped. Default all. */
  spanKinds?: readonly number[];
  /** `explicit` (default) or `exponential`. */
  durationHistogram?: SpanDurationHistogram;
  /**
   * Scale of exponential duration points. Default 3, the processor's
   * default release scale (`exponentialHistogramScale`), so that no precision
   * is produced that the release would merge away: a bucket is 2^(1/8),
   * about 9 %, wide. A point whose buckets would span more than
   * `exponentialMaxBuckets` is downscaled until they fit, as the connector does.
   */
  exponentialScale?: number;
  /** Most buckets of one exponential duration point; default 160, the connector's `max_size`. */
  exponentialMaxBuckets?: number;
}

/** How spans become span metrics, beside what the processor decides: the token attribute, the untokened policy and the time. */
export type SpanMetricsConfig = Omit<SpanMetricsOptions, 'tokenAttribute' | 'untokened' | 'timeUnixNano'>;

/** What becomes of a request's spans before any is counted into a group. */
export interface SpanCounts {
  /** Spans that produced contributions. */
  counted: number;
  /** Spans without a usable token (dropped under `drop`; counted under `pass`, and then in `counted` too). */
  untokened: number;
  /** Spans refused because they end before they start or last more than a week: report them as rejected. */
  invalid: number;
  /** Spans of a kind `spanKinds` leaves out: not counted and not rejected, as the connector ignores them. */
  skipped: number;
}

export interface SpanMetricsResult extends SpanCounts {
  /** The span metrics; empty (no resourceMetrics) when no span counted. */
  metrics: ExportMetricsServiceRequest;
}

/**
 * Checks span metrics options once, at start-up.
 * @throws {DpConfigError} carrying the option at fault, named by `settingName`: bounds not finite and strictly
 *   increasing, a span dimension that is empty, repeated, one of the four
 *   built-in dimensions or the token attribute, a kind outside 0 to 5, an
 *   exponential scale outside -10 to 20 or a bucket count outside 1 to 1000.
 */
export function validateSpanMetricsOptions(options: SpanMetricsOptions, settingName: SettingName<keyof SpanMetricsOptions> = fieldName): void {
  const dimension = settingName('spanDimensions');
  const bounds = options.durationBoundsMs ?? DEFAULT_SPAN_DURATION_BOUNDS_MS;
  for (let i = 0; i < bounds.length; i++) {
    if (!Number.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
      throw new DpConfigError('durationBoundsMs', `span duration bound ${i} is ${bounds[i]}, bounds must be finite and strictly increasing`);
    }
  }
  const seen = new Set<string>();
  for (const name of options.spanDimensions ?? []) {
    if (name === '') throw new DpConfigError('spanDimensions', `${dimension} is empty, must be an attribute name`);
    if (SPAN_METRICS_DIMENSIONS.includes(name)) throw new DpConfigError('spanDimensions', `${dimension} ${name} is always a dimension, leave it out`);
    if (name === options.tokenAttribute) throw new DpConfigError('spanDimensions', `${dimension} ${name} is the token attribute (${settingName('tokenAttribute')}), which is never released`);
    if (seen.has(name)) throw new DpConfigError('spanDimensions', `${dimension} ${name} is given twice`);
    seen.add(name);
  }
  for (const kind of options.spanKinds ?? []) {
    if (!Number.isInteger(kind) || kind < 0 || kind >= SPAN_KIND_NAMES.length) throw new DpConfigError('spanKinds', `${settingName('spanKinds')} has kind ${kind}, must be a SpanKind from 0 to 5`);
  }
  const scale = options.exponentialScale ?? DEFAULT_EXPONENTIAL_SCALE;
  if (!Number.isInteger(scale) || scale < -10 || scale > 20) throw new DpConfigError('exponentialScale', `span duration scale is ${scale}, must be a whole number from -10 to 20`);
  const buckets = options.exponentialMaxBuckets ?? DEFAULT_EXPONENTIAL_BUCKETS;
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > 1000) throw new DpConfigError('exponentialMaxBuckets', `span duration buckets is ${buckets}, must be a whole number from 1 to 1000`);
}

/** Parses `SPAN_KIND_SERVER,SPAN_KIND_CLIENT` (names as the `span.kind` dimension writes them) into kind numbers. */
export function parseSpanKinds(text: string, flag = 'spanKinds'): number[] {
  const names = text.split(',').map((name) => name.trim());
  const kinds = names.map((name) => SPAN_KIND_NAMES.indexOf(name));
  const unknown = kinds.indexOf(-1);
  if (names.length === 0 || unknown >= 0) {
    throw new DpConfigError('spanKinds', `${flag} has ${JSON.stringify(names[unknown] ?? '')}, must be a comma-separated list of ${SPAN_KIND_NAMES.join(', ')}`);
  }
  return [...new Set(kinds)];
}

