import type { ProfileSummary } from './cpu-profile.js';
import type { LoadResult } from './load-loops.js';
import type { Transport } from './payloads.js';
import { spreadOf, type Spread } from './stats.js';

/** The two systems measured side by side. */
export type SystemName = 'dp' | 'bare';

/** An open loop at a fraction of the saturating rate. */
export interface OpenMeasure {
  fraction: number;
  ratePerSecond: number;
  result: LoadResult;
}

/** One run of one system on one transport. */
export interface RunMeasure {
  run: number;
  closed: LoadResult;
  open: OpenMeasure[];
  pointsPerSecond: number;
  /** CPU the system under test used during the warm-up and the closed loop, as a share of one core. */
  sutCpu: number;
  /**
   * Share of the machine's CPU time the hypervisor gave to other guests over
   * the same span (steal in /proc/stat): on a shared virtual machine, the
   * sign that a run measured the neighbours as much as the code.
   */
  steal: number;
}

export interface LatencySummary {
  fraction: number;
  ratePerSecond: Spread;
  p50Millis: Spread;
  p99Millis: Spread;
}

export interface SystemSummary {
  pointsPerSecond: Spread;
  requestsPerSecond: Spread;
  sutCpu: Spread;
  generatorCpu: Spread;
  steal: Spread;
  latency: LatencySummary[];
  /** Totals over all runs: refused or failed requests, and open-loop requests skipped for lack of capacity. */
  refused: number;
  failed: number;
  skipped: number;
  runs: RunMeasure[];
}

export interface PipelineCase {
  transport: Transport;
  gzip: boolean;
  meanWireBytes: number;
  pointsPerRequest: number;
  dp: SystemSummary;
  bare: SystemSummary;
  /** DP points/s over bare points/s, run by run (both measured back to back). */
  ratio: Spread;
  /** The same with each side's points per CPU-second: the ratio with other load on the core divided out. */
  ratioPerCpuSecond: Spread;
}

export interface PipelineSection {
  settings: {
    warmupMillis: number;
    closedMillis: number;
    openMillis: number;
    concurrency: number;
    openFractions: number[];
    sidecarArgs: string[];
    pinned: boolean;
  };
  cases: PipelineCase[];
  peakRssBytes: Record<SystemName, number>;
  /** What reached the sink over the whole section, to check that the bare pass really forwarded. */
  sinkRequests: number;
  sinkBytes: number;
  /** With --profile: where the CPU time of each system went, over the whole section. */
  profiles: ProfileSummary[];
}

export function summarize(runs: RunMeasure[], fractions: readonly number[]): SystemSummary {
  const closed = runs.map((r) => r.closed);
  return {
    pointsPerSecond: spreadOf(runs.map((r) => r.pointsPerSecond)),
    requestsPerSecond: spreadOf(closed.map((c) => (c.ok * 1000) / c.elapsedMillis)),
    sutCpu: spreadOf(runs.map((r) => r.sutCpu)),
    steal: spreadOf(runs.map((r) => r.steal)),
    generatorCpu: spreadOf(closed.map((c) => c.generatorCpu)),
    latency: fractions.map((fraction) => {
      const open = runs.map((r) => r.open.find((o) => o.fraction === fraction));
      return {
        fraction,
        ratePerSecond: spreadOf(open.map((o) => o?.ratePerSecond ?? NaN)),
        p50Millis: spreadOf(open.map((o) => o?.result.p50Millis ?? NaN)),
        p99Millis: spreadOf(open.map((o) => o?.result.p99Millis ?? NaN)),
      };
    }),
    refused: sumOver(runs, (r) => r.refused),
    failed: sumOver(runs, (r) => r.failed),
    skipped: sumOver(runs, (r) => r.skipped),
    runs,
  };
}

function sumOver(runs: RunMeasure[], pick: (result: LoadResult) => number): number {
  let total = 0;
  for (const run of runs) {
    total += pick(run.closed);
    for (const open of run.open) total += pick(open.result);
  }
  return total;
}
