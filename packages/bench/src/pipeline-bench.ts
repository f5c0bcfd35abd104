import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { canPin, machineCpuTicks, pinSelf, startService, stealShare, type ServiceProcess } from './child-processes.js';
import { profileArgs, readProfileSummary, type ProfileSummary } from './cpu-profile.js';
import { LoadGeneratorProcess } from './load-generator-process.js';
import type { LoadReply } from './load-protocol.js';
import type { Transport } from './payloads.js';
import { baselinesFor, ratioByRun, summarize, type OpenMeasure, type PipelineCase, type PipelineSection, type RunMeasure, type SystemName } from './pipeline-results.js';
import { readDeployedMemory } from './deployed-memory.js';
import { CountingSink } from './sink.js';

export interface PipelineBenchOptions {
  runs: number;
  warmupMillis: number;
  closedMillis: number;
  openMillis: number;
  /** Requests in flight in the closed loop. */
  concurrency: number;
  openFractions: number[];
  transports: readonly Transport[];
  /** Also measure gzipped bodies (lighter work for the sidecar: see `payloads.ts`). */
  gzip: boolean;
  /** When set, both systems write a CPU profile here, summarized in the section. */
  profileDir: string | undefined;
  /** The `otel-dp` entry point measured; default this checkout's. */
  sidecarBin?: string;
  /** Progress lines for the operator, on stderr. */
  progress: (line: string) => void;
}

/** The core the systems under test run on; the load generator and this process take the other. */
const SUT_CPU = 0;
const LOAD_CPU = 1;
const MAX_IN_FLIGHT = 256;
/** Functions listed per CPU profile. */
const PROFILE_TOP = 15;
/** Time a stretch of load may overrun before it is declared stuck. */
const TIMEOUT_SLACK_MILLIS = 60_000;
/** The sidecar's window; the aggregating baseline exports at the same interval. */
const WINDOW_SECONDS = 60;

const SIDECAR_BIN = fileURLToPath(new URL('../../../sidecar/bin/otel-dp.js', import.meta.url));
const BASELINE_PASS = fileURLToPath(new URL('./baseline-pass.js', import.meta.url));

const SERVICE_NAMES: Record<SystemName, string> = {
  dp: 'otel-dp run',
  decode: 'the decode-only pass',
  aggregate: 'the aggregating pass',
  parse: 'the JSON.parse pass',
};

/**
 * `otel-dp run` and the baselines, each in its own process on one core,
 * under the same load from a generator on the other core, run by run and
 * transport by transport, back to back (the order rotating between runs).
 * The sidecar runs with the heap size of its Kubernetes manifest, and its
 * peak RSS is read per load against the manifest's memory limit.
 */
export async function runPipelineBench(options: PipelineBenchOptions): Promise<PipelineSection> {
  pinSelf(LOAD_CPU);
  const deployed = readDeployedMemory();
  const sink = await CountingSink.start();
  const sidecarBin = options.sidecarBin ?? SIDECAR_BIN;
  const sidecarArgs = sidecarArguments(sidecarBin, sink.url);
  // The span bodies are sent as built, never gzipped (see `span-payloads.ts`).
  const gzipOptions = (transport: Transport) => (options.gzip && transport !== 'http-protobuf-spans' ? [false, true] : [false]);
  const combos = options.transports.flatMap((transport) => gzipOptions(transport).map((gzip) => ({ transport, gzip })));
  const names = new Set<SystemName>(['dp', ...options.transports.flatMap(baselinesFor)]);
  const measures = new Map<string, Partial<Record<SystemName, RunMeasure[]>>>();
  const casePeaks = new Map<string, number>();
  const replies = new Map<string, LoadReply>();
  const systems: Partial<Record<SystemName, ServiceProcess>> = {};
  const peakRssBytes: Partial<Record<SystemName, number>> = {};
  let peakResetPerLoad = true;
  let generator: LoadGeneratorProcess | undefined;
  try {
    for (const name of names) {
      const profile = profileArgs(options.profileDir, profileFile(name));
      const args =
        name === 'dp'
          ? [...deployed.nodeOptions, ...profile, sidecarBin, ...sidecarArgs]
          : [...profile, BASELINE_PASS, name, sink.url, String(WINDOW_SECONDS)];
      systems[name] = await startService(SERVICE_NAMES[name], args, SUT_CPU);
    }
    generator = await LoadGeneratorProcess.start(LOAD_CPU);
    for (let run = 1; run <= options.runs; run++) {
      for (const { transport, gzip } of combos) {
        const key = `${transport}/${gzip}`;
        const perSystem = measures.get(key) ?? {};
        measures.set(key, perSystem);
        const order = rotate<SystemName>(['dp', ...baselinesFor(transport)], run - 1);
        for (const name of order) {
          const system = systems[name]!;
          if (name === 'dp') peakResetPerLoad = system.resetPeakRss() && peakResetPerLoad;
          const openFractions = name === 'dp' ? options.openFractions : [];
          const { measure, reply } = await measureOnce(generator, system, transport, gzip, run, openFractions, options);
          if (name === 'dp') casePeaks.set(key, Math.max(casePeaks.get(key) ?? 0, system.peakRssBytes()));
          replies.set(key, reply);
          (perSystem[name] ??= []).push(measure);
          options.progress(`run ${run}/${options.runs} ${key} ${name}: ${Math.round(measure.pointsPerSecond)} points/s`);
        }
      }
    }
    for (const name of names) peakRssBytes[name] = name === 'dp' ? Math.max(...casePeaks.values()) : systems[name]!.peakRssBytes();
  } finally {
    await generator?.stop();
    await Promise.all(Object.values(systems).map((system) => system.stop()));
    await sink.close();
  }
  const cases = combos.map(({ transport, gzip }): PipelineCase => {
    const key = `${transport}/${gzip}`;
    const perSystem = measures.get(key)!;
    const reply = replies.get(key)!;
    const dp = summarize(perSystem.dp!, options.openFractions);
    const baselines: PipelineCase['baselines'] = {};
    const ratios: PipelineCase['ratios'] = {};
    const ratiosPerCpuSecond: PipelineCase['ratiosPerCpuSecond'] = {};
    for (const name of baselinesFor(transport)) {
      const baseline = summarize(perSystem[name]!, []);
      baselines[name] = baseline;
      ratios[name] = ratioByRun(dp, baseline);
      ratiosPerCpuSecond[name] = ratioByRun(dp, baseline, true);
    }
    return {
      transport,
      gzip,
      meanWireBytes: reply.meanWireBytes,
      pointsPerRequest: reply.pointsPerRequest,
      dp,
      baselines,
      ratios,
      ratiosPerCpuSecond,
      dpPeakRssBytes: casePeaks.get(key) ?? NaN,
    };
  });
  const profiles: ProfileSummary[] = [];
  if (options.profileDir !== undefined) {
    for (const name of names) {
      const summary = readProfileSummary(SERVICE_NAMES[name], join(options.profileDir, `${profileFile(name)}.cpuprofile`), PROFILE_TOP);
      if (summary !== undefined) profiles.push(summary);
    }
  }
  return {
    settings: {
      warmupMillis: options.warmupMillis,
      closedMillis: options.closedMillis,
      openMillis: options.openMillis,
      concurrency: options.concurrency,
      openFractions: options.openFractions,
      sidecarArgs,
      sidecarNodeOptions: deployed.nodeOptions,
      pinned: canPin(),
    },
    cases,
    peakRssBytes,
    deployed,
    peakResetPerLoad,
    sinkRequests: sink.requests,
    sinkBytes: sink.bytes,
    profiles,
  };
}

function profileFile(name: SystemName): string {
  return name === 'dp' ? 'otel-dp-run' : `${name}-pass`;
}

/** `items` turned left by `by` places, so each system goes first in turn. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  const n = items.length;
  if (n === 0) return [];
  const shift = ((by % n) + n) % n;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/**
 * One run of one system: the closed loop (its CPU share read from /proc
 * around it), then the open loops at fractions of the rate it reached.
 */
async function measureOnce(
  generator: LoadGeneratorProcess,
  system: ServiceProcess,
  transport: Transport,
  gzip: boolean,
  run: number,
  openFractions: readonly number[],
  options: PipelineBenchOptions,
): Promise<{ measure: RunMeasure; reply: LoadReply }> {
  const port = transport === 'grpc' ? system.grpcPort : system.httpPort;
  const target = { transport, gzip, host: '127.0.0.1', port, concurrency: options.concurrency };
  const cpuBefore = system.cpuMillis();
  const machineBefore = machineCpuTicks();
  const wallBefore = performance.now();
  const reply = await generator.run(
    { type: 'closed', target, warmupMillis: options.warmupMillis, durationMillis: options.closedMillis },
    options.warmupMillis + options.closedMillis + TIMEOUT_SLACK_MILLIS,
  );
  const sutCpu = (system.cpuMillis() - cpuBefore) / (performance.now() - wallBefore);
  const steal = stealShare(machineBefore, machineCpuTicks());
  const closed = reply.result;
  const saturatingRate = (closed.ok * 1000) / closed.elapsedMillis;
  const open: OpenMeasure[] = [];
  for (const fraction of openFractions) {
    const ratePerSecond = saturatingRate * fraction;
    if (!(ratePerSecond > 0)) continue;
    const { result } = await generator.run(
      { type: 'open', target, ratePerSecond, durationMillis: options.openMillis, maxInFlight: MAX_IN_FLIGHT },
      options.openMillis + TIMEOUT_SLACK_MILLIS,
    );
    open.push({ fraction, ratePerSecond, result });
  }
  const pointsPerSecond = (closed.okPoints * 1000) / closed.elapsedMillis;
  return { measure: { run, closed, open, pointsPerSecond, sutCpu, steal }, reply };
}

function sidecarArguments(bin: string, sinkUrl: string): string[] {
  const args = [
    'run',
    '--http-listen',
    '127.0.0.1:0',
    '--grpc-listen',
    '127.0.0.1:0',
    '--window',
    `${WINDOW_SECONDS}s`,
    '--exporter',
    'otlp',
    '--otlp-endpoint',
    sinkUrl,
  ];
  if (supportsFlag(bin, '--admin-listen')) args.push('--admin-listen', '127.0.0.1:0');
  return args;
}

/** Whether this build of `otel-dp run` knows `flag` (it lists every flag in its help). */
function supportsFlag(bin: string, flag: string): boolean {
  const help = spawnSync(process.execPath, [bin, 'run', '--help'], { encoding: 'utf8', timeout: 15_000 });
  return `${help.stdout}${help.stderr}`.includes(flag);
}
