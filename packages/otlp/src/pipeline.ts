import { CodedError } from './coded-error.js';
import type { ExportMetricsServiceRequest, KeyValue } from './types.js';
import type { ExportTraceServiceRequest } from './types-traces.js';

/**
 * What a consumer reports back for a request it accepted: how many data
 * points it refused to carry on and why (OTLP `partial_success`). A refusal
 * here is final; the client must not retry it.
 */
export interface ConsumeResult {
  rejectedDataPoints: number;
  /** Empty when nothing was rejected. Never contains a token value. */
  errorMessage: string;
}

/**
 * Receiver → processor. `consume` resolves once the data is safely held (in
 * the processor's open window); it rejects with a {@link PipelineError} whose
 * `retryable` flag tells the receiver how to answer the client.
 *
 * Ownership: the caller hands the request over and does not read or change it
 * afterwards; the consumer may keep references into it.
 */
export interface MetricsConsumer {
  consume(request: ExportMetricsServiceRequest): Promise<ConsumeResult>;
}

/**
 * What a trace consumer reports back for a request it accepted: how many
 * spans it refused to count and why (OTLP `partial_success` of
 * `ExportTraceServiceResponse`). A refusal here is final; the client must
 * not retry it.
 */
export interface TraceConsumeResult {
  rejectedSpans: number;
  /** Empty when nothing was rejected. Never contains a token value. */
  errorMessage: string;
}

/**
 * Receiver → span metrics. As {@link MetricsConsumer}, for traces: `consume`
 * resolves once what the spans contribute is safely held, and rejects with a
 * {@link PipelineError} whose `retryable` flag tells the receiver how to
 * answer.
 *
 * Ownership: the caller hands the request over and does not read or change
 * it afterwards; the consumer may keep references into it.
 */
export interface TraceConsumer {
  consume(request: ExportTraceServiceRequest): Promise<TraceConsumeResult>;
}

/** One released value, for human-readable exporters. */
export interface ReleasedSeriesInfo {
  metric: string;
  /** Series attributes (resource, scope and point attributes, without the token). */
  attributes: KeyValue[];
  /** What this window added to the series (a sum's or gauge's value, a histogram's count). */
  value: number;
  /** The running total exported, when the output is cumulative. */
  cumulative?: number;
  /** Standard deviation of one window's noise in `value`. */
  noiseStdDev: number;
  /** Standard deviation of the noise in `cumulative`, when present. */
  cumulativeStdDev?: number;
  /** The point type; absent in summaries written before it was recorded. */
  kind?: 'sum' | 'gauge' | 'histogram' | 'exponential-histogram';
  /** The metric's unit as received. */
  unit?: string;
  /** Gauges: how the tokens' last values in the window were combined. */
  gaugeAggregation?: 'mean' | 'sum';
  /** Histograms: the released buckets and sum, as exported. */
  histogram?: ReleasedHistogramInfo;
}

/**
 * A released histogram's buckets in ascending order, as exported: this
 * window's when the output is delta, the running totals since the series'
 * first release when cumulative. Bucket i covers lowerBounds[i] to
 * upperBounds[i]; open ends are ±Infinity.
 */
export interface ReleasedHistogramInfo {
  scope: 'window' | 'cumulative';
  lowerBounds: number[];
  upperBounds: number[];
  counts: number[];
  sum: number;
}

/** What the processor says about one window's release, beside the data. */
export interface WindowSummary {
  windowStartUnixNano: bigint;
  windowEndUnixNano: bigint;
  mechanism: string;
  epsilon: number;
  delta: number;
  series: ReleasedSeriesInfo[];
  /**
   * New series held back by partition selection. An exact count, for local
   * diagnostics (the debug exporter); OTLP exporters never send it.
   */
  suppressedSeries: number;
  /** The privacy budget over the accountant's horizon, after this window. */
  budget?: BudgetStatus;
  /**
   * Per metric, series this window saw that are not released yet (exact,
   * local diagnostics only, like `suppressedSeries`); metrics with none are
   * left out.
   */
  waiting?: { metric: string; series: number }[];
  /** What partition selection asks of a new series; absent when every undeclared series is dropped. */
  selection?: SelectionRequirement;
}

/** A new series is released in a window when its distinct-token count plus noise of `stdDev` reaches `threshold`. */
export interface SelectionRequirement {
  threshold: number;
  stdDev: number;
}

export interface BudgetStatus {
  horizonMillis: number;
  spentEpsilon: number;
  spentDelta: number;
  /** Undefined when no cap is set. */
  remainingEpsilon: number | undefined;
}

/**
 * Processor → exporter: one OTLP request to deliver. `summary` is present for
 * a DP release and absent for data forwarded untouched (`--untokened pass`).
 *
 * Ownership: as for {@link MetricsConsumer}; exporters may queue the batch.
 */
export interface ExportBatch {
  request: ExportMetricsServiceRequest;
  summary?: WindowSummary;
}

export interface BatchExporter {
  export(batch: ExportBatch): Promise<void>;
}

/** Every component: both calls are idempotent. */
export interface Lifecycle {
  start(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Why a pipeline error happened, when it says something to the client:
 * `bad_data`, the data itself is refused (never retried); `overloaded`, a
 * limit was reached under load (retried after a delay).
 */
export type PipelineErrorReason = 'bad_data' | 'overloaded';

/**
 * An error that crosses a component boundary. `retryable` and `reason` decide
 * the answer to the client (HTTP 429, 503, 400 or 500; gRPC
 * RESOURCE_EXHAUSTED, UNAVAILABLE, INVALID_ARGUMENT or INTERNAL); `code` is a
 * stable string users can match on. Messages never contain a token value.
 */
export class PipelineError extends CodedError {
  readonly retryable: boolean;
  readonly reason: PipelineErrorReason | undefined;
  /** Seconds a client should wait before retrying, when known. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: string,
    message: string,
    options: { retryable: boolean; reason?: PipelineErrorReason; retryAfterSeconds?: number; cause?: unknown },
  ) {
    super(code, message, options);
    this.retryable = options.retryable;
    this.reason = options.reason;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * The one logging interface components take. Fields are plain values; a
 * token value must never be passed in a message or a field.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything, for library use and tests. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
