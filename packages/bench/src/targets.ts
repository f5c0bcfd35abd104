import { MEMORY_HEADROOM } from './deployed-memory.js';
import type { MicroSection } from './micro-bench.js';
import { ratioByRun, type PipelineCase, type PipelineSection } from './pipeline-results.js';
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

const LOAD_NAMES = { 'http-protobuf': 'OTLP/HTTP protobuf', 'http-json': 'OTLP/HTTP JSON', grpc: 'OTLP/gRPC' } as const;

function loadName(c: PipelineCase): string {
  return `${LOAD_NAMES[c.transport]}${c.gzip ? ' (gzip)' : ''}`;
}

/**
 * The targets the project holds itself to, measured in the benchmark and
 * never as timed tests: pipeline throughput on one core and its ratios to
 * baselines of the same run (decode only, JSON.parse alone, HTTP protobuf
 * for gRPC), the OTLP/JSON decoder against JSON.parse, the sidecar's peak
 * RSS against its manifest's memory limit, and the memory of
 * per-(token, series) state. The gzip rows do lighter work and set no target.
 */
export function checkTargets(pipeline: PipelineSection | undefined, state: StateSection | undefined, micro?: MicroSection): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const plain = (pipeline?.cases ?? []).filter((c) => !c.gzip);
  const byTransport = (transport: PipelineCase['transport']) => plain.find((c) => c.transport === transport);
  const protobuf = byTransport('http-protobuf');
  const json = byTransport('http-json');
  const grpc = byTransport('grpc');
  if (protobuf !== undefined) {
    checks.push(check('OTLP/HTTP protobuf, DP pipeline points/s', protobuf.dp.pointsPerSecond.median, 'at least', 500_000));
    checks.push(check('OTLP/HTTP protobuf, DP / decode-only pass', protobuf.ratios.decode?.median ?? NaN, 'at least', 0.5));
  }
  if (json !== undefined) checks.push(check('OTLP/HTTP JSON, DP / JSON.parse pass', json.ratios.parse?.median ?? NaN, 'at least', 0.6));
  if (micro?.jsonDecodeOverParse !== undefined) {
    checks.push(check('OTLP/JSON decoder / JSON.parse, same bodies (micro)', micro.jsonDecodeOverParse.median, 'at least', 0.6));
  }
  if (grpc !== undefined) {
    checks.push(check('OTLP/gRPC, DP pipeline points/s', grpc.dp.pointsPerSecond.median, 'at least', 250_000));
    if (protobuf !== undefined) checks.push(check('OTLP/gRPC / OTLP/HTTP protobuf, DP pipeline', ratioByRun(grpc.dp, protobuf.dp).median, 'at least', 0.8));
  }
  if (pipeline !== undefined) {
    for (const c of pipeline.cases) {
      const share = c.dpPeakRssBytes / pipeline.deployed.limitBytes;
      checks.push(check(`DP sidecar peak RSS under ${loadName(c)}, share of the manifest's memory limit`, share, 'at most', 1 - MEMORY_HEADROOM));
    }
  }
  for (const cell of state?.cells ?? []) {
    const what = `${cell.shape.temporality} input, ${cell.entries.toLocaleString('en-US')} entries`;
    checks.push(check(`bytes per (token, series) entry, ${what}`, cell.bytesPerEntry.median, 'at most', 150));
    if (cell.entries === 1_000_000) checks.push(check(`peak RSS in MB, ${what}`, cell.peakRssBytes.median / MB, 'at most', 400));
  }
  return checks;
}
