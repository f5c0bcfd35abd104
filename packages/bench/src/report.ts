import type { ProfileSummary } from './cpu-profile.js';
import type { MicroSection } from './micro-bench.js';
import type { PipelineSection } from './pipeline-results.js';
import type { ScalingSection, StateSection } from './state-sections.js';
import type { TargetCheck } from './targets.js';

/** Everything one `pnpm bench` run measured: the JSON written to bench-results/. */
export interface BenchReport {
  startedAt: string;
  durationSeconds: number;
  options: { quick: boolean; runs: number; sections: string[] };
  machine: {
    cpus: number;
    cpuModel: string;
    node: string;
    totalMemoryBytes: number;
    /** 1, 5 and 15 minute load averages when the run started and when it ended: other work on the machine shows here. */
    loadAverageBefore: number[];
    loadAverageAfter: number[];
    /** Whether processes were pinned to cores with taskset. */
    pinned: boolean;
  };
  /** The code measured: HEAD, the source files that differed from it, and those that changed while the run went on. */
  code: { commit: string | undefined; changedAtStart: string[]; changedDuringRun: string[] };
  /** With `--sidecar`: the other checkout whose otel-dp the pipeline section measured, and its commit. */
  sidecarUnderTest?: { checkout: string; commit: string | undefined };
  micro?: MicroSection;
  pipeline?: PipelineSection;
  state?: StateSection;
  scaling?: ScalingSection;
  targets: TargetCheck[];
  /** SVG plots written beside the JSON, as paths relative to it. */
  plots: string[];
  /** With --profile: self time by function in each profiled process. */
  profiles: ProfileSummary[];
  /** Sections that failed, with why; the others are reported all the same. */
  failures: string[];
}

/** JSON text of a report: NaN (a run that could not measure) becomes null. */
export function reportJson(report: BenchReport): string {
  return `${JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
}
