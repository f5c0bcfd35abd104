import type { PipelineSection } from './pipeline-results.js';
import type { StateSection } from './state-sections.js';

/** One performance target of the project, checked against a run's medians. */
export interface TargetCheck {
  target: string;
  /** The median that decides, in the target's unit. */
  measured: number;
  limit: number;
  kind: 'at least' | 'at most';
  met: boolean;
}

const MB = 1024 * 1024;

function check(target: string, measured: number, kind: TargetCheck['kind'], limit: number): TargetCheck {
  const met = kind === 'at least' ? measured >= limit : measured <= limit;
  return { target, measured, limit, kind, met: Number.isFinite(measured) && met };
}

/**
 * The targets the project holds itself to, measured in the benchmark and
 * never as timed tests: pipeline throughput on one core, its ratio to the
 * bare pass of the same run, and the memory of per-(token, series) state.
 */
export function checkTargets(pipeline: PipelineSection | undefined, state: StateSection | undefined): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const c of pipeline?.cases ?? []) {
    const gzip = c.gzip ? 'gzip' : 'no gzip';
    if (c.transport === 'http-protobuf') {
      checks.push(check(`OTLP/HTTP protobuf (${gzip}), DP pipeline points/s`, c.dp.pointsPerSecond.median, 'at least', 500_000));
      checks.push(check(`OTLP/HTTP protobuf (${gzip}), DP / bare pass`, c.ratio.median, 'at least', 0.5));
    }
    if (c.transport === 'grpc') checks.push(check(`OTLP/gRPC (${gzip}), DP pipeline points/s`, c.dp.pointsPerSecond.median, 'at least', 250_000));
  }
  for (const cell of state?.cells ?? []) {
    const what = `${cell.shape.temporality} input, ${cell.entries.toLocaleString('en-US')} entries`;
    checks.push(check(`bytes per (token, series) entry, ${what}`, cell.bytesPerEntry.median, 'at most', 150));
    if (cell.entries === 1_000_000) checks.push(check(`peak RSS in MB, ${what}`, cell.peakRssBytes.median / MB, 'at most', 400));
  }
  return checks;
}
