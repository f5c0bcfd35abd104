import { calibrateWindow, componentNoise, type DpProcessorConfig, type NoiseSampler, type RandomSource } from '@otel-dp/processor-dp';
import { epsilonLowerBound } from './clopper-pearson.js';
import { neighbours, PRIVATE_ROUTE, REQUESTS_METRIC, SHARED_ROUTE } from './neighbours.js';
import { onGrid, ProblemLog, releasedSum, runOnce, type AuditInput, type RouteKey } from './release-runs.js';

/**
 * Chance that an audit of a correct processor reports ε_lb above the
 * configured ε: each event is compared at level α = this / comparisons, so by
 * the union bound the whole family (every event, both directions) fails by
 * chance with probability at most 1e-6.
 */
export const FAMILY_FALSE_ALARM = 1e-6;

/**
 * The processor's input for D and D′ (one window each) and where to read the
 * audited series: a sum whose shared route's honest token count is the
 * selection threshold minus one, and X's own route.
 */
export interface AuditStreams {
  metric: string;
  routeKey: RouteKey;
  sharedRoute: string;
  privateRoute: string;
  without: readonly AuditInput[];
  with: readonly AuditInput[];
  /** The honest total of the shared route. */
  sharedRouteTotal: number;
}

/** The metric path's neighbours (`neighbours.ts`) as audit streams. */
export function metricStreams(sharedRouteTokens: number): AuditStreams {
  const inputs = neighbours({ sharedRouteTokens, otherRouteTokens: 4, windows: 1, histograms: false });
  return { metric: REQUESTS_METRIC, routeKey: 'route', sharedRoute: SHARED_ROUTE, privateRoute: PRIVATE_ROUTE, ...inputs };
}

export interface EpsilonAuditOptions {
  /** k = 1 and a single clip rule, for the audited metric with lower bound 0: X's push is then its upper bound. */
  config: DpProcessorConfig;
  /** D and D′ for a shared route with this many honest tokens; default {@link metricStreams}. */
  streams?: (sharedRouteTokens: number) => AuditStreams;
  /** Runs on each of D and D′. */
  runs: number;
  random: RandomSource;
  /** The deliberately broken variant's noise; default: the processor's own. */
  noiseSampler?: NoiseSampler;
  /** Event thresholds above the honest total, in multiples of the clip bound. */
  thresholds: readonly number[];
}

/** One event S on the shared route's release, with its ε lower bounds. */
export interface EventOutcome {
  name: string;
  hitsWith: number;
  hitsWithout: number;
  /** From P[S | D′] ≤ e^ε·P[S | D] + δ. */
  forward: number;
  /** From P[not S | D] ≤ e^ε·P[not S | D′] + δ. */
  reverse: number;
}

export interface EpsilonAuditResult {
  runs: number;
  events: EventOutcome[];
  /** The largest bound over all events and both directions. */
  epsilonLowerBound: number;
  /** Runs on D′ in which X's own route came out. */
  privateRouteReleases: number;
  /** Released values of the two audited routes not on their grid, or not finite. */
  offGridValues: number;
  /** Warnings and errors the processor logged (a failed release is only logged). */
  problems: string[];
  /** Data points (spans, for span input) refused at intake, per side. */
  rejectedWith: number;
  rejectedWithout: number;
  /** Wall-clock and CPU time of the runs (the CPU time is what the audit costs on a busy machine). */
  millis: number;
  cpuMillis: number;
}

/**
 * Runs D and D′ (one window each, X present) through fresh processors,
 * alternating, and bounds ε from below with Clopper–Pearson on the events
 * "the shared route is released" and "released with value ≥ its honest total
 * + c·bound" for each threshold c. The shared route's honest token count sits
 * one below the selection threshold, so X moves both the chance of release
 * (selection) and the released value (its full clip bound), the two halves of
 * the window budget.
 */
export async function auditEpsilon(options: EpsilonAuditOptions): Promise<EpsilonAuditResult> {
  const { config, runs, random, noiseSampler, thresholds } = options;
  const calibration = calibrateWindow(config);
  const inputs = (options.streams ?? metricStreams)(calibration.selectionThreshold - 1);
  const clip = config.clip.find((rule) => rule.pattern === inputs.metric);
  if (config.maxSeriesPerToken !== 1 || clip === undefined || clip.lower !== 0) {
    throw new RangeError(`the audit needs k = 1 and a clip rule ${inputs.metric}=0:HI, got k = ${config.maxSeriesPerToken} and ${JSON.stringify(config.clip)}`);
  }
  const grid = componentNoise(clip.lower, clip.upper, calibration).grid;
  const cutoffs = thresholds.map((c) => inputs.sharedRouteTotal + c * clip.upper);
  // hits[0] counts releases, hits[1 + i] releases at or above cutoffs[i].
  const hitsWith = new Array<number>(cutoffs.length + 1).fill(0);
  const hitsWithout = new Array<number>(cutoffs.length + 1).fill(0);
  const log = new ProblemLog();
  let privateRouteReleases = 0;
  let offGridValues = 0;
  let rejectedWith = 0;
  let rejectedWithout = 0;

  const count = (value: number | undefined, hits: number[]): void => {
    if (value === undefined) return;
    if (!onGrid(value, grid)) offGridValues++;
    hits[0]++;
    for (let i = 0; i < cutoffs.length; i++) if (value >= cutoffs[i]) hits[i + 1]++;
  };

  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (let run = 0; run < runs; run++) {
    const without = await runOnce({ config, requests: inputs.without, random, noiseSampler, logger: log });
    count(releasedSum(without.releases[0], inputs.metric, inputs.sharedRoute, inputs.routeKey), hitsWithout);
    rejectedWithout += without.rejectedDataPoints;

    const withX = await runOnce({ config, requests: inputs.with, random, noiseSampler, logger: log });
    count(releasedSum(withX.releases[0], inputs.metric, inputs.sharedRoute, inputs.routeKey), hitsWith);
    rejectedWith += withX.rejectedDataPoints;
    const own = releasedSum(withX.releases[0], inputs.metric, inputs.privateRoute, inputs.routeKey);
    if (own !== undefined) {
      privateRouteReleases++;
      if (!onGrid(own, grid)) offGridValues++;
    }
  }
  const millis = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);

  const names = ['released', ...thresholds.map((c) => `released, value >= total + ${c}·bound`)];
  const alpha = FAMILY_FALSE_ALARM / (2 * names.length);
  const bound = { alpha, delta: config.delta };
  const events = names.map((name, i) => ({
    name,
    hitsWith: hitsWith[i],
    hitsWithout: hitsWithout[i],
    forward: epsilonLowerBound({ hitsMoreLikely: hitsWith[i], hitsLessLikely: hitsWithout[i], runs }, bound),
    reverse: epsilonLowerBound({ hitsMoreLikely: runs - hitsWithout[i], hitsLessLikely: runs - hitsWith[i], runs }, bound),
  }));
  const epsilon = Math.max(...events.flatMap((event) => [event.forward, event.reverse]));
  return {
    runs,
    events,
    epsilonLowerBound: epsilon,
    privateRouteReleases,
    offGridValues,
    problems: log.problems,
    rejectedWith,
    rejectedWithout,
    millis,
    cpuMillis: (cpu.user + cpu.system) / 1000,
  };
}

/** A summary line, then one line per event, for the test log. */
export function describeAudit(label: string, result: EpsilonAuditResult): string[] {
  const seconds = (millis: number): string => (millis / 1000).toFixed(1);
  const header =
    `${label}: ε_lb = ${result.epsilonLowerBound.toFixed(3)}; X's own route released in ${result.privateRouteReleases} of ${result.runs} runs; ` +
    `${seconds(result.millis)} s wall, ${seconds(result.cpuMillis)} s CPU for ${2 * result.runs} runs`;
  const lines = result.events.map(
    (event) => `${label}, ${event.name}: D′ ${event.hitsWith}, D ${event.hitsWithout} of ${result.runs}; ε_lb ${event.forward.toFixed(3)}, reverse ${event.reverse.toFixed(3)}`,
  );
  return [header, ...lines];
}
