import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CodedError } from '@otel-dp/otlp';
import { TRANSPORTS, type Transport } from './payloads.js';

export const SECTIONS = ['micro', 'pipeline', 'state', 'scaling'] as const;
export type Section = (typeof SECTIONS)[number];

/** What one `pnpm bench` invocation measures, and how long it spends on it. */
export interface BenchOptions {
  quick: boolean;
  /** Repetitions of every measurement; medians and min–max are taken over them. Default 5; `--quick` 1. */
  runs: number;
  sections: Section[];
  /** Where the JSON results and SVG plots go. Default `bench-results/` at the repository root. */
  outDir: string;
  /** Closed-loop warm-up before each throughput measurement, in ms. Default 1000; `--quick` 300. */
  warmupMillis: number;
  /** Closed-loop (throughput) measurement, in ms. Default 5000; `--quick` 1000. */
  closedMillis: number;
  /** Each open-loop (latency) measurement, in ms. Default 3000; `--quick` 1000. */
  openMillis: number;
  /** Requests in flight in the closed loop. Default 16. */
  concurrency: number;
  /** Each micro-benchmark repetition, in ms. Default 500; `--quick` 200. */
  microMillis: number;
  /** Transports the pipeline section loads. Default all three. */
  transports: Transport[];
  /** `--profile`: the processes under test write CPU profiles beside the results, summarized in the report. */
  profile: boolean;
  /** `--gzip`: also load the pipeline with gzipped bodies, reported apart (their cumulative points are resent unchanged). */
  gzip: boolean;
  /** `--sidecar DIR`: a built checkout whose `otel-dp` the pipeline section measures instead of this one's, to compare two versions under one harness. */
  sidecarCheckout: string | undefined;
}

export const USAGE = `Usage: pnpm bench [--quick] [--runs N] [--sections LIST] [--transports LIST] [--gzip] [--profile] [--sidecar DIR] [--out DIR]

  --quick       one short run of everything (about a minute), for a smoke test
  --runs N      repetitions of every measurement (default 5; medians with min–max)
  --sections    comma-separated subset of: ${SECTIONS.join(', ')} (default all)
  --transports  comma-separated subset of: ${TRANSPORTS.join(', ')} (default all)
  --gzip        also measure gzipped bodies (lighter work: reported apart from the headline table)
  --profile     CPU-profile the processes under test (node --cpu-prof) and list their hot spots
  --sidecar DIR measure the otel-dp of another built checkout in the pipeline section (same harness, same baselines)
  --out DIR     where results (JSON), plots (SVG) and profiles go (default bench-results/)`;

/** Thrown for a command line the bench does not understand; the message says which part. */
export class BenchUsageError extends CodedError<'BENCH_USAGE'> {
  constructor(message: string) {
    super('BENCH_USAGE', message);
  }
}

export function parseBenchOptions(argv: readonly string[], defaultOutDir: string): BenchOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        quick: { type: 'boolean', default: false },
        runs: { type: 'string' },
        sections: { type: 'string' },
        transports: { type: 'string' },
        profile: { type: 'boolean', default: false },
        gzip: { type: 'boolean', default: false },
        sidecar: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  const quick = values.quick;
  const runs = values.runs === undefined ? (quick ? 1 : 5) : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 100) throw new BenchUsageError(`--runs is ${values.runs}, must be a whole number from 1 to 100`);
  return {
    quick,
    runs,
    sections: parseList('--sections', values.sections, SECTIONS),
    outDir: values.out ?? defaultOutDir,
    warmupMillis: quick ? 300 : 1000,
    closedMillis: quick ? 1000 : 5000,
    openMillis: quick ? 1000 : 3000,
    concurrency: 16,
    microMillis: quick ? 200 : 500,
    transports: parseList('--transports', values.transports, TRANSPORTS),
    profile: values.profile,
    gzip: values.gzip,
    sidecarCheckout: values.sidecar === undefined ? undefined : builtCheckout(values.sidecar),
  };
}

/** The absolute path of a checkout whose otel-dp is built, or a usage error saying what is missing. */
function builtCheckout(dir: string): string {
  const checkout = resolve(dir);
  const bin = join(checkout, 'packages', 'sidecar', 'bin', 'otel-dp.js');
  const built = join(checkout, 'packages', 'sidecar', 'dist');
  if (!existsSync(bin) || !existsSync(built)) throw new BenchUsageError(`--sidecar ${dir} has no built otel-dp (${bin} and ${built}): run pnpm install and pnpm build there first`);
  return checkout;
}

/** A comma-separated subset of `allowed`, in `allowed`'s order; all of it when absent. */
function parseList<T extends string>(flag: string, text: string | undefined, allowed: readonly T[]): T[] {
  if (text === undefined) return [...allowed];
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  for (const name of names) {
    if (!(allowed as readonly string[]).includes(name)) throw new BenchUsageError(`${flag} names "${name}", must be among ${allowed.join(', ')}`);
  }
  if (names.length === 0) throw new BenchUsageError(`${flag} is empty, must name at least one of ${allowed.join(', ')}`);
  return allowed.filter((name) => names.includes(name));
}
