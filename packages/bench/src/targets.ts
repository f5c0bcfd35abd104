import { MEMORY_HEADROOM } from './deployed-memory.js';
import type { MicroSection } from './micro-bench.js';
import { ratioByRun, type PipelineCase, type PipelineSection, type SystemSummary } from './pipeline-results.js';
import type { StateSection } from './state-sections.js';

/** One performance target of the project, checked against a run's medians. */
export interface TargetCheck {
  target: string;
  /** The median that decides, in the target's unit. */
  measured: number;
  limit: number;
  kind: 'at least' | 'at most';
  met: boolean;
  /** For a ratio of two systems: the same ratio of points per CPU-second, beside it (other load on the core divided out). */
  perCpuSecond?: number;
}

const MB = 1024 * 1024;

function check(target: string, measured: number, kind: TargetCheck['kind'], limit: number, perCpuSecond?: number): TargetCheck {
  const met = kind === 'at least' ? measured >= limit : measured <= limit;
  const result: TargetCheck = { target, measured, limit, kind, met: Number.isFinite(measured) && met };
  if (perCpuSecond !== undefined) result.perCpuSecond = perCpuSecond;
  return result;
}

/** A ratio target between two systems of the same run: decided on points/s, with points per CPU-second beside it. */
function ratioCheck(target: string, a: SystemSummary | undefined, b: SystemSummary | undefined, limit: number): TargetCheck {
  if (a === undefined || b === undefined) return check(target, NaN, 'at least', limit);
  return check(target, ratioByRun(a, b).median, 'at least', limit, ratioByRun(a, b, true).median);
}

const LOAD_NAMES = { 'http-protobuf': 'OTLP/HTTP protobuf', 'http-json': 'OTLP/HTTP JSON', grpc: 'OTLP/gRPC', 'http-protobuf-spans': 'OTLP/HTTP protobuf spans' } as const;

function loadName(c: PipelineCase): string {
  return `${LOAD_NAMES[c.transport]}${c.gzip ? ' (gzip)' : ''}`;
}

/**
 * The targets the project holds itself to, measured in the benchmark and
 * never as timed tests: pipeline throughput on one core and its ratios to
 * baselines of the same run (decode only, JSON.parse alone, HTTP protobuf
 * for gRPC), spans through the whole path against decoding them alone, the OTLP/JSON decoder against JSON.parse, the sidecar's peak
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
  const spans = byTransport('http-protobuf-spans');
  if (protobuf !== undefined) {
    checks.push(check('OTLP/HTTP protobuf, DP pipeline points/s', protobuf.dp.pointsPerSecond.median, 'at least', 500_000));
    checks.push(ratioCheck('OTLP/HTTP protobuf, DP / decode-only pass', protobuf.dp, protobuf.baselines.decode, 0.5));
  }
  if (json !== undefined) {
    checks.push(ratioCheck('OTLP/HTTP JSON, DP / JSON.parse pass', json.dp, json.baselines.parse, 0.6));
    checks.push(ratioCheck('OTLP/HTTP JSON, decode-only pass / JSON.parse pass', json.baselines.decode, json.baselines.parse, 0.6));
  }
  if (micro?.jsonDecodeOverParse !== undefined) {
    checks.push(check('OTLP/JSON decoder / JSON.parse, same bodies (micro)', micro.jsonDecodeOverParse.median, 'at least', 0.6));
  }
  if (grpc !== undefined) {
    checks.push(check('OTLP/gRPC, DP pipeline points/s', grpc.dp.pointsPerSecond.median, 'at least', 250_000));
    if (protobuf !== undefined) checks.push(ratioCheck('OTLP/gRPC / OTLP/HTTP protobuf, DP pipeline', grpc.dp, protobuf.dp, 0.8));
  }
  if (spans !== undefined) {
    checks.push(check('OTLP/HTTP protobuf spans, DP pipeline spans/s', spans.dp.pointsPerSecond.median, 'at least', 300_000));
    checks.push(ratioCheck('OTLP/HTTP protobuf spans, DP / decode-only pass', spans.dp, spans.baselines.decode, 0.4));
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
