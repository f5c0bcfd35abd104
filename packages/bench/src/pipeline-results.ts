import type { ProfileSummary } from './cpu-profile.js';
import type { DeployedMemory } from './deployed-memory.js';
import type { LoadResult } from './load-loops.js';
import type { Transport } from './payloads.js';
import { spreadOf, type Spread } from './stats.js';

/**
 * The baselines measured beside the DP pipeline (see `baseline-pass.ts`):
 * decode only, a plain aggregating pipeline, and JSON.parse alone (OTLP/JSON only).
 */
export type BaselineName = 'decode' | 'aggregate' | 'parse';
export type SystemName = 'dp' | BaselineName;

export const BASELINE_NAMES: readonly BaselineName[] = ['decode', 'aggregate', 'parse'];

/**
 * The baselines a transport is measured against: JSON.parse only where the
 * bodies are JSON; spans against decoding the same trace requests alone.
 */
export function baselinesFor(transport: Transport): BaselineName[] {
  if (transport === 'http-protobuf-spans') return ['decode'];
  return transport === 'http-json' ? ['decode', 'aggregate', 'parse'] : ['decode', 'aggregate'];
}

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
  /** The baselines of {@link baselinesFor} (closed loop only: no latency). */
  baselines: Partial<Record<BaselineName, SystemSummary>>;
  /** DP points/s over each baseline's, run by run (measured back to back). */
  ratios: Partial<Record<BaselineName, Spread>>;
  /** The same with each side's points per CPU-second: the ratio with other load on the core divided out. */
  ratiosPerCpuSecond: Partial<Record<BaselineName, Spread>>;
  /** The sidecar's peak RSS over this load's runs (its peak is started over before each), in bytes. */
  dpPeakRssBytes: number;
}

/** Points/s of `a` over `b`, run by run where both measured the same run. */
export function ratioByRun(a: SystemSummary, b: SystemSummary, perCpuSecond = false): Spread {
  const rate = (m: RunMeasure) => (perCpuSecond ? m.pointsPerSecond / m.sutCpu : m.pointsPerSecond);
  return spreadOf(a.runs.flatMap((m) => b.runs.filter((o) => o.run === m.run).map((o) => rate(m) / rate(o))));
}

export interface PipelineSection {
  settings: {
    warmupMillis: number;
    closedMillis: number;
    openMillis: number;
    concurrency: number;
    openFractions: number[];
    sidecarArgs: string[];
    /** Node flags the sidecar ran with: its manifest's NODE_OPTIONS. */
    sidecarNodeOptions: string[];
    pinned: boolean;
  };
  cases: PipelineCase[];
  /** Peak RSS of each process over the whole section, in bytes. */
  peakRssBytes: Partial<Record<SystemName, number>>;
  /** The memory the sidecar has as deployed, which its peak under each load is set against. */
  deployed: DeployedMemory;
  /** Whether the sidecar's peak could be started over per load (else each load's peak includes the loads before it). */
  peakResetPerLoad: boolean;
  /** What reached the sink over the whole section: the DP pipeline's and the aggregating baseline's window exports. */
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
