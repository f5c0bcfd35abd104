import type { ExportMetricsServiceRequest, ExportTraceServiceRequest } from '@otel-dp/otlp';
import type { AttributePolicy } from './attribute-policy/index.js';
import { CumulativeToDelta } from './cumulative-to-delta.js';
import { describeRefusals, emptyIntakeCounts, type IntakeCounts } from './intake-counts.js';
import { takeRequest } from './intake.js';
import { MetricContexts, type MetricSettings } from './kinds/metric-contexts.js';
import type { PublicValues } from './public-partitions.js';
import { SeriesDirectory } from './series-directory.js';
import { SpanIntake, type SpansTaken } from './span-intake.js';
import { spanMetrics } from './span-metrics.js';
import { DEFAULT_SPAN_DURATION_BOUNDS_MS, type SpanMetricsConfig } from './span-metrics-options.js';
import { windowContaining, type WindowContributions, type WindowLimits } from './window.js';

/** Cumulative-input state idle this long is forgotten (the deltatocumulative default), or three windows if longer. */
const MIN_STALE_MILLIS = 5 * 60_000;

export interface WindowBufferSettings {
  windowMillis: number;
  tokenAttribute: string;
  passUntokened: boolean;
  limits: WindowLimits;
  metrics: MetricSettings;
  policy: AttributePolicy;
  publicValues: PublicValues;
  /** Most (token, cumulative stream) baselines kept. */
  maxCumulativeStreams: number;
  /** How received spans become span metrics. */
  spans: SpanMetricsConfig;
}

/** What one request left in the window: the untokened points to forward, if any, and what was refused. */
export interface Taken {
  passThrough: ExportMetricsServiceRequest | undefined;
  counts: IntakeCounts;
}

/** What one trace request left in the window: its spans' fate, and what was refused of their span metrics. */
export interface SpansTakenIn extends Taken {
  spans: SpansTaken;
}

const NANOS_PER_MILLI = 1_000_000n;

/**
 * The open tumbling window and everything intake keeps between requests:
 * the series directory, the metrics' layouts and the cumulative-input
 * baselines. Requests are taken into the open window; a closed window is
 * handed out whole, to be released, and never touched here again.
 */
export class WindowBuffer {
  private readonly metrics: MetricContexts;
  private readonly directory: SeriesDirectory;
  private readonly cumulative: CumulativeToDelta;
  /** Spans straight into the window, when their span metrics are of the form it writes (see `span-intake.ts`). */
  private readonly spanIntake: SpanIntake | undefined;
  private window: WindowContributions;

  constructor(
    private readonly settings: WindowBufferSettings,
    startMillis: number,
  ) {
    this.metrics = new MetricContexts(settings.metrics);
    this.directory = new SeriesDirectory(
      { tokenAttribute: settings.tokenAttribute, policy: settings.policy, publicValues: settings.publicValues },
      2 * settings.limits.maxSeries,
    );
    this.cumulative = new CumulativeToDelta(
      BigInt(startMillis) * 1_000_000n,
      Math.max(MIN_STALE_MILLIS, 3 * settings.windowMillis),
      settings.maxCumulativeStreams,
      settings.limits.maxBytes,
    );
    this.window = windowContaining(startMillis, settings.windowMillis);
    const { spans } = settings;
    if (!settings.passUntokened && spans.durationHistogram !== 'exponential') {
      this.spanIntake = new SpanIntake({
        tokenAttribute: settings.tokenAttribute,
        directory: this.directory,
        metrics: this.metrics,
        policy: settings.policy,
        publicValues: settings.publicValues,
        limits: settings.limits,
        dimensions: spans.spanDimensions ?? [],
        kinds: spans.spanKinds === undefined ? undefined : new Set(spans.spanKinds),
        bounds: spans.durationBoundsMs ?? DEFAULT_SPAN_DURATION_BOUNDS_MS,
      });
    }
  }

  /** The window requests are taken into now. */
  get open(): WindowContributions {
    return this.window;
  }

  /** Whether the open window holds its most tokens, series, entries or bytes. */
  get full(): boolean {
    return this.window.isFull(this.settings.limits);
  }

  /** Routes every point of `request` into the open window, under its token (see `intake.ts`). */
  take(request: ExportMetricsServiceRequest, nowMillis: number): Taken {
    const counts = emptyIntakeCounts();
    const passThrough = takeRequest(request, {
      tokenAttribute: this.settings.tokenAttribute,
      passUntokened: this.settings.passUntokened,
      window: this.window,
      cumulative: this.cumulative,
      metrics: this.metrics,
      directory: this.directory,
      policy: this.settings.policy,
      publicValues: this.settings.publicValues,
      limits: this.settings.limits,
      nowMillis,
      counts,
    });
    return { passThrough, counts };
  }

  /**
   * Takes the span metrics of every counted span of `request` into the open
   * window. Where a span's points are refused in part, span intake knows
   * which spans; span metrics requests (untokened spans that pass,
   * exponential durations) report refused points, not which, so the spans
   * counted as refused are then the counted spans times refused points over
   * points produced, rounded: all of them when every point is refused, none
   * when none is, and exact when the request's groups are of one size.
   */
  takeSpans(request: ExportTraceServiceRequest, nowMillis: number): SpansTakenIn {
    if (this.spanIntake !== undefined) {
      const counts = emptyIntakeCounts();
      return { spans: this.spanIntake.take(request, this.window, counts), passThrough: undefined, counts };
    }
    const { tokenAttribute, passUntokened } = this.settings;
    const untokened = passUntokened ? 'pass' : 'drop';
    const { metrics, ...spans } = spanMetrics(request, { ...this.settings.spans, tokenAttribute, untokened, timeUnixNano: BigInt(nowMillis) * NANOS_PER_MILLI });
    const points = 2 * (metrics.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.sum?.dataPoints.length ?? 0);
    if (points === 0) return { spans: { ...spans, refused: 0 }, passThrough: undefined, counts: emptyIntakeCounts() };
    const taken = this.take(metrics, nowMillis);
    const refusedPoints = Math.min(describeRefusals(taken.counts, tokenAttribute).rejected, points);
    return { ...taken, spans: { ...spans, refused: Math.round((spans.counted * refusedPoints) / points) } };
  }

  /**
   * When the open window has ended, opens the one containing `nowMillis`,
   * forgets idle cumulative streams and cached routes, and returns the
   * closed window; else undefined.
   */
  closeIfDue(nowMillis: number): WindowContributions | undefined {
    if (nowMillis < this.window.endMillis) return undefined;
    const closing = this.close(nowMillis);
    this.cumulative.sweep(nowMillis);
    this.directory.sweep();
    return closing;
  }

  /** Ends the open window now: the rest of its interval becomes a new window. Returns the closed one. */
  close(nowMillis: number): WindowContributions {
    const closing = this.window;
    this.window = windowContaining(nowMillis, this.settings.windowMillis);
    return closing;
  }
}
