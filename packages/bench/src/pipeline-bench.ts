import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { canPin, machineCpuTicks, pinSelf, startService, stealShare, type ServiceProcess } from './child-processes.js';
import { profileArgs, readProfileSummary, type ProfileSummary } from './cpu-profile.js';
import { LoadGeneratorProcess } from './load-generator-process.js';
import type { LoadReply } from './load-protocol.js';
import type { Transport } from './payloads.js';
import { summarize, type OpenMeasure, type PipelineCase, type PipelineSection, type RunMeasure, type SystemName } from './pipeline-results.js';
import { CountingSink } from './sink.js';
import { spreadOf } from './stats.js';

export interface PipelineBenchOptions {
  runs: number;
  warmupMillis: number;
  closedMillis: number;
  openMillis: number;
  /** Requests in flight in the closed loop. */
  concurrency: number;
  openFractions: number[];
  transports: readonly Transport[];
  /** When set, both systems write a CPU profile here, summarized in the section. */
  profileDir: string | undefined;
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

const SIDECAR_BIN = fileURLToPath(new URL('../../../sidecar/bin/otel-dp.js', import.meta.url));
const BARE_PASS = fileURLToPath(new URL('./bare-pass.js', import.meta.url));

/**
 * `otel-dp run` and the bare pass, each in its own process on one core, under
 * the same load from a generator on the other core, run by run and transport
 * by transport, the two systems back to back (alternating which goes first).
 */
export async function runPipelineBench(options: PipelineBenchOptions): Promise<PipelineSection> {
  pinSelf(LOAD_CPU);
  const sink = await CountingSink.start();
  const sidecarArgs = sidecarArguments(sink.url);
  const combos = options.transports.flatMap((transport) => [false, true].map((gzip) => ({ transport, gzip })));
  const measures = new Map<string, Record<SystemName, RunMeasure[]>>();
  const replies = new Map<string, LoadReply>();
  const systems: Partial<Record<SystemName, ServiceProcess>> = {};
  const peakRssBytes: Record<SystemName, number> = { dp: NaN, bare: NaN };
  let generator: LoadGeneratorProcess | undefined;
  try {
    systems.dp = await startService('otel-dp run', [...profileArgs(options.profileDir, 'otel-dp-run'), SIDECAR_BIN, ...sidecarArgs], SUT_CPU);
    systems.bare = await startService('the bare pass', [...profileArgs(options.profileDir, 'bare-pass'), BARE_PASS, sink.url], SUT_CPU);
    generator = await LoadGeneratorProcess.start(LOAD_CPU);
    for (let run = 1; run <= options.runs; run++) {
      for (const { transport, gzip } of combos) {
        const key = `${transport}/${gzip}`;
        const perSystem = measures.get(key) ?? { dp: [], bare: [] };
        measures.set(key, perSystem);
        const order: SystemName[] = run % 2 === 1 ? ['dp', 'bare'] : ['bare', 'dp'];
        for (const name of order) {
          const { measure, reply } = await measureOnce(generator, systems[name]!, transport, gzip, run, options);
          replies.set(key, reply);
          perSystem[name].push(measure);
          options.progress(`run ${run}/${options.runs} ${key} ${name}: ${Math.round(measure.pointsPerSecond)} points/s`);
        }
      }
    }
    peakRssBytes.dp = systems.dp.peakRssBytes();
    peakRssBytes.bare = systems.bare.peakRssBytes();
  } finally {
    await generator?.stop();
    await Promise.all(Object.values(systems).map((system) => system.stop()));
    await sink.close();
  }
  const cases = combos.map(({ transport, gzip }): PipelineCase => {
    const key = `${transport}/${gzip}`;
    const { dp, bare } = measures.get(key)!;
    const reply = replies.get(key)!;
    return {
      transport,
      gzip,
      meanWireBytes: reply.meanWireBytes,
      pointsPerRequest: reply.pointsPerRequest,
      dp: summarize(dp, options.openFractions),
      bare: summarize(bare, options.openFractions),
      ratio: spreadOf(dp.map((m, i) => m.pointsPerSecond / bare[i].pointsPerSecond)),
      ratioPerCpuSecond: spreadOf(dp.map((m, i) => m.pointsPerSecond / m.sutCpu / (bare[i].pointsPerSecond / bare[i].sutCpu))),
    };
  });
  const profiles: ProfileSummary[] = [];
  if (options.profileDir !== undefined) {
    for (const [name, file] of [['otel-dp run', 'otel-dp-run'], ['bare pass', 'bare-pass']]) {
      const summary = readProfileSummary(name, join(options.profileDir, `${file}.cpuprofile`), PROFILE_TOP);
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
      pinned: canPin(),
    },
    cases,
    peakRssBytes,
    sinkRequests: sink.requests,
    sinkBytes: sink.bytes,
    profiles,
  };
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
  for (const fraction of options.openFractions) {
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

function sidecarArguments(sinkUrl: string): string[] {
  const args = [
    'run',
    '--http-listen',
    '127.0.0.1:0',
    '--grpc-listen',
    '127.0.0.1:0',
    '--window',
    '60s',
    '--exporter',
    'otlp',
    '--otlp-endpoint',
    sinkUrl,
  ];
  if (supportsFlag('--admin-listen')) args.push('--admin-listen', '127.0.0.1:0');
  return args;
}

/** Whether this build of `otel-dp run` knows `flag` (it lists every flag in its help). */
function supportsFlag(flag: string): boolean {
  const help = spawnSync(process.execPath, [SIDECAR_BIN, 'run', '--help'], { encoding: 'utf8', timeout: 15_000 });
  return `${help.stdout}${help.stderr}`.includes(flag);
}
