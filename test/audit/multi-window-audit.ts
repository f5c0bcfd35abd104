import { MetricsSink } from '@otel-dp/processor-dp/testing';
import {
  DpProcessor,
  PrivacyAccountant,
  SELECTION_BUDGET_SHARE,
  calibrateWindow,
  type AccountantStatus,
  type DpProcessorConfig,
  type NoiseSampler,
  type RandomSource,
} from '@otel-dp/processor-dp';
import { HONEST_TOTAL, QUEUE_CLIP, QUEUE_METRIC, QUEUE_ROUTE, multiWindowInputs } from './multi-window-inputs.js';
import { AUDIT_T0, ProblemLog, consumeInput, releasedSum, type AuditInput, type RouteKey } from './release-runs.js';
import { applyLinearStatistic, fitLinearStatistic, separation, separationBound, type FeatureRows, type Separation } from './separation.js';

/** What the accountant books for the audited windows, and the ρ the audit's bound is read from. */
export interface Booking {
  /** The accountant's status after one booking per window. */
  status: AccountantStatus;
  /** The zCDP ρ of the n windows as the accountant composes them. */
  rho: number;
  /**
   * The part of `rho` that pays for values. A public series skips partition
   * selection, so X can only be seen through the value noise: Gaussian
   * windows give values v·ρ, Laplace windows v·ε, that is v²·ε²/2 of zCDP,
   * with v = 1 − s, or 1 when undeclared series are dropped.
   */
  valueRho: number;
}

/**
 * Books one window's spend per window in a fresh accountant whose horizon
 * is the audited windows, as the processor does at each window's end, and
 * reads back the composed spend. Gaussian windows: ρ is the accountant's
 * Σρ. Laplace windows: the accountant composes each pure-ε window as
 * ε²/2-zCDP but reports only Σε, so with n equal windows ρ = (Σε)²/(2n).
 */
export async function bookedSpend(config: DpProcessorConfig, windows: number): Promise<Booking> {
  const accountant = await PrivacyAccountant.open({ horizonMillis: windows * config.windowMillis });
  const spend = calibrateWindow(config).spend;
  const start = runStart(config);
  for (let window = 1; window <= windows; window++) await accountant.record(spend, start + window * config.windowMillis);
  const status = accountant.status(start + windows * config.windowMillis);
  await accountant.close();
  const share = config.undeclaredSeries === 'drop' ? 1 : 1 - SELECTION_BUDGET_SHARE;
  if (config.mechanism === 'gaussian') return { status, rho: status.spentRho, valueRho: share * status.spentRho };
  const rho = status.spentPureEpsilon ** 2 / (2 * status.windowsInHorizon);
  return { status, rho, valueRho: share * share * rho };
}

function runStart(config: DpProcessorConfig): number {
  return Math.ceil(AUDIT_T0 / config.windowMillis) * config.windowMillis;
}

/**
 * D and D′ for the multi-window audit, one request per window, and the one
 * public series to read: the honest tokens add `honestTotal` to it in every
 * window, X adds `push` (its clip bound) more.
 */
export interface WindowStreams {
  metric: string;
  routeKey: RouteKey;
  route: string;
  without: readonly AuditInput[];
  with: readonly AuditInput[];
  honestTotal: number;
  push: number;
}

/** The metric path's streams (`multi-window-inputs.ts`). */
export function queueStreams(windows: number): WindowStreams {
  return { metric: QUEUE_METRIC, routeKey: 'route', route: QUEUE_ROUTE, ...multiWindowInputs(windows), honestTotal: HONEST_TOTAL, push: QUEUE_CLIP.upper };
}

/** One run: the series' released value in each window (NaN where it was missing), and the budget reported after the last. */
export interface WindowsRun {
  values: Float64Array;
  spentEpsilon: number;
}

/**
 * One run through a fresh processor on a manual clock: each window's request
 * arrives 10 ms into it, the next arrival closes it, shutdown releases the
 * last.
 */
export async function runWindows(options: {
  config: DpProcessorConfig;
  requests: readonly AuditInput[];
  /** Where the audited series is; default the metric path's queue series. */
  series?: Pick<WindowStreams, 'metric' | 'route' | 'routeKey'>;
  random: RandomSource;
  noiseSampler?: NoiseSampler;
  logger: ProblemLog;
}): Promise<WindowsRun> {
  const { config, requests, random, noiseSampler, logger } = options;
  const series = options.series ?? { metric: QUEUE_METRIC, route: QUEUE_ROUTE, routeKey: 'route' };
  const start = runStart(config);
  let now = start + 10;
  let spentEpsilon = Number.NaN;
  const sink = new MetricsSink();
  const processor = new DpProcessor(config, sink, { now: () => now, random, noiseSampler, logger, onWindow: (outcome) => (spentEpsilon = outcome.budget.spentEpsilon) });
  await processor.start();
  for (let window = 0; window < requests.length; window++) {
    now = start + window * config.windowMillis + 10;
    await consumeInput(processor, requests[window]);
  }
  await processor.shutdown();
  const values = new Float64Array(requests.length).fill(Number.NaN);
  const releases = sink.releases;
  for (let window = 0; window < requests.length; window++) values[window] = releasedSum(releases[window], series.metric, series.route, series.routeKey) ?? Number.NaN;
  return { values, spentEpsilon };
}

export interface MultiWindowAuditOptions {
  config: DpProcessorConfig;
  windows: number;
  /** Runs on each of D and D′; half of them fit the linear statistic, the other half test it. */
  runs: number;
  random: RandomSource;
  /** The deliberately broken variant's noise; default: the processor's own. */
  noiseSampler?: NoiseSampler;
  /** D and D′ over `windows` windows; default {@link queueStreams}. */
  streams?: (windows: number) => WindowStreams;
}

export interface StatisticOutcome {
  name: string;
  /** Runs a side it was measured on. */
  runs: number;
  separation: Separation;
}

export interface MultiWindowAuditResult {
  booking: Booking;
  /** √(e^{2ρ} − 1) for the value share of the booking: what the audit asserts. */
  bound: number;
  /** √(e^{2ρ} − 1) for the whole booking, for the record (it also pays for selection, unused here). */
  bookedBound: number;
  statistics: StatisticOutcome[];
  /** The largest lower confidence bound over the statistics. */
  lowerBound: number;
  /** Windows in which the series was not released, over all runs (a public series must be, every window). */
  missingValues: number;
  /** Distinct values of the budget the processor reported after the last window, over all runs. */
  reportedSpends: number[];
  problems: string[];
  millis: number;
  cpuMillis: number;
}

/**
 * Runs D and D′ (alternating, a fresh processor each) and measures three
 * statistics of the per-window increments u_t of the released series (the
 * released value for delta output; R_t − R_{t−1} of the released running
 * total for cumulative output, an invertible linear map of the release):
 *
 * - Σ u_t, the likelihood-ratio statistic of independent Gaussian windows;
 * - Σ clamp(u_t − T − C/2, −C/2, C/2) with T the honest total and C X's
 *   push, the log-likelihood ratio of independent Laplace windows;
 * - the linear statistic fitted on the even runs (`fitLinearStatistic`),
 *   measured on the odd ones: it finds whatever linear structure the release
 *   has, such as noise shared between windows.
 *
 * The first two are fixed before any run, so they use every run.
 */
export async function auditMultiWindow(options: MultiWindowAuditOptions): Promise<MultiWindowAuditResult> {
  const { config, windows, runs, random, noiseSampler } = options;
  const booking = await bookedSpend(config, windows);
  const inputs = (options.streams ?? queueStreams)(windows);
  const log = new ProblemLog();
  const without = new Float64Array(runs * windows);
  const withToken = new Float64Array(runs * windows);
  const spends = new Set<number>();
  let missingValues = 0;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (let run = 0; run < runs; run++) {
    for (const [requests, into] of [
      [inputs.without, without],
      [inputs.with, withToken],
    ] as const) {
      const result = await runWindows({ config, requests, series: inputs, random, noiseSampler, logger: log });
      spends.add(result.spentEpsilon);
      const increments = toIncrements(result.values, config.outputTemporality === 'cumulative');
      for (const value of increments) if (Number.isNaN(value)) missingValues++;
      into.set(increments, run * windows);
    }
  }
  const millis = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);

  const rows = (features: Float64Array): FeatureRows => ({ dimension: windows, rows: runs, features });
  const statistics: StatisticOutcome[] = [];
  if (missingValues === 0) {
    const midpoint = inputs.honestTotal + inputs.push / 2;
    const half = inputs.push / 2;
    const total = (u: number) => u;
    const clipped = (u: number) => Math.min(half, Math.max(-half, u - midpoint));
    statistics.push({ name: 'Σ u_t', runs, separation: separation(perRun(rows(without), total), perRun(rows(withToken), total)) });
    statistics.push({ name: 'Σ clamp(u_t − T − C/2, ±C/2)', runs, separation: separation(perRun(rows(without), clipped), perRun(rows(withToken), clipped)) });
    const [trainWithout, testWithout] = splitAlternate(rows(without));
    const [trainWith, testWith] = splitAlternate(rows(withToken));
    const weights = fitLinearStatistic(trainWithout, trainWith);
    statistics.push({
      name: 'fitted linear',
      runs: testWithout.rows,
      separation: separation(applyLinearStatistic(weights, testWithout), applyLinearStatistic(weights, testWith)),
    });
  }
  return {
    booking,
    bound: separationBound(booking.valueRho),
    bookedBound: separationBound(booking.rho),
    statistics,
    lowerBound: Math.max(...statistics.map((statistic) => statistic.separation.lowerBound)),
    missingValues,
    reportedSpends: [...spends],
    problems: log.problems,
    millis,
    cpuMillis: (cpu.user + cpu.system) / 1000,
  };
}

/** Per-window increments of a run's released values: the values themselves (delta), or differences of the running total (cumulative). */
function toIncrements(values: Float64Array, cumulative: boolean): Float64Array {
  if (!cumulative) return values;
  const increments = new Float64Array(values.length);
  for (let t = 0; t < values.length; t++) increments[t] = values[t] - (t === 0 ? 0 : values[t - 1]);
  return increments;
}

/** Σ_t f(u_t) for each run. */
function perRun(samples: FeatureRows, f: (u: number) => number): Float64Array {
  const out = new Float64Array(samples.rows);
  for (let i = 0; i < samples.rows; i++) {
    let total = 0;
    for (let t = 0; t < samples.dimension; t++) total += f(samples.features[i * samples.dimension + t]);
    out[i] = total;
  }
  return out;
}

/** Even rows, then odd rows. */
function splitAlternate(samples: FeatureRows): [FeatureRows, FeatureRows] {
  const p = samples.dimension;
  const part = (parity: number): FeatureRows => {
    const rows = Math.floor((samples.rows + 1 - parity) / 2);
    const features = new Float64Array(rows * p);
    for (let i = 0; i < rows; i++) features.set(samples.features.subarray((2 * i + parity) * p, (2 * i + parity + 1) * p), i * p);
    return { dimension: p, rows, features };
  };
  return [part(0), part(1)];
}

/** A summary line and one line per statistic, for the test log. */
export function describeMultiWindowAudit(label: string, result: MultiWindowAuditResult): string[] {
  const header =
    `${label}: booked ρ = ${result.booking.rho.toFixed(4)} (bound ${result.bookedBound.toFixed(3)}), values ρ = ${result.booking.valueRho.toFixed(4)} ` +
    `(bound ${result.bound.toFixed(3)}); largest lower bound ${result.lowerBound.toFixed(3)}; ` +
    `${(result.millis / 1000).toFixed(1)} s wall, ${(result.cpuMillis / 1000).toFixed(1)} s CPU`;
  const lines = result.statistics.map(({ name, runs, separation: s }) =>
    `${label}, ${name} (${runs} runs a side): separation ${s.estimate.toFixed(3)} ± ${s.standardError.toFixed(3)}, lower bound ${s.lowerBound.toFixed(3)}`,
  );
  return [header, ...lines];
}
