/**
 * `pnpm bench`: runs the selected sections, prints one Markdown report on
 * stdout (progress goes to stderr) and writes the results as JSON, with the
 * scaling plots as SVG, to bench-results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchUsageError, USAGE, parseBenchOptions, type BenchOptions } from './bench-options.js';
import { canPin } from './child-processes.js';
import { codeChangedBetween, codeVersion } from './code-version.js';
import { runMicroBench } from './micro-bench.js';
import { runPipelineBench } from './pipeline-bench.js';
import { reportJson, type BenchReport } from './report.js';
import { renderMarkdown } from './report-markdown.js';
import { StateCellRunner } from './state-bench.js';
import { runScalingSection, runStateSection, scalingCharts } from './state-sections.js';
import { checkTargets } from './targets.js';

const REPOSITORY = fileURLToPath(new URL('../../../..', import.meta.url));
const DEFAULT_OUT_DIR = join(REPOSITORY, 'bench-results');

async function run(options: BenchOptions): Promise<void> {
  const startedAt = new Date();
  const startedMillis = performance.now();
  const loadAverageBefore = loadavg();
  const codeAtStart = codeVersion(REPOSITORY);
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const has = (section: string) => options.sections.includes(section as BenchOptions['sections'][number]);
  const report: BenchReport = {
    startedAt: startedAt.toISOString(),
    durationSeconds: 0,
    options: { quick: options.quick, runs: options.runs, sections: options.sections },
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      node: process.version,
      totalMemoryBytes: totalmem(),
      loadAverageBefore,
      loadAverageAfter: [],
      pinned: canPin(),
    },
    code: { commit: codeAtStart.commit, changedAtStart: Object.keys(codeAtStart.changed), changedDuringRun: [] },
    sidecarUnderTest: options.sidecarCheckout === undefined ? undefined : { checkout: options.sidecarCheckout, commit: codeVersion(options.sidecarCheckout).commit },
    targets: [],
    plots: [],
    profiles: [],
    failures: [],
  };
  // A section that fails is reported as such: the minutes spent on the others are not lost with it.
  const attempt = async (section: string, measure: () => Promise<void>) => {
    try {
      await measure();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      report.failures.push(`${section}: ${message}`);
      progress(`section ${section} failed: ${message}`);
    }
  };
  mkdirSync(options.outDir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const profileDir = options.profile ? join(options.outDir, `${stamp}-profiles`) : undefined;
  if (has('micro')) {
    progress('micro-benchmarks…');
    await attempt('micro', async () => {
      report.micro = runMicroBench({ runs: options.runs, repetitionMillis: options.microMillis });
    });
  }
  if (has('pipeline')) {
    await attempt('pipeline', async () => {
      report.pipeline = await runPipelineBench({
        runs: options.runs,
        warmupMillis: options.warmupMillis,
        closedMillis: options.closedMillis,
        openMillis: options.openMillis,
        concurrency: options.concurrency,
        openFractions: [0.5, 0.9],
        transports: options.transports,
        gzip: options.gzip,
        profileDir,
        progress,
        sidecarBin: options.sidecarCheckout === undefined ? undefined : join(options.sidecarCheckout, 'packages', 'sidecar', 'bin', 'otel-dp.js'),
      });
    });
  }
  const runner = new StateCellRunner(options.runs, progress, profileDir);
  if (has('state')) {
    await attempt('state', async () => {
      report.state = await runStateSection(runner, options.quick);
    });
  }
  if (has('scaling')) {
    await attempt('scaling', async () => {
      const scaling = await runScalingSection(runner, options.quick);
      report.scaling = scaling;
      for (const [name, svg] of scalingCharts(scaling)) {
        const file = `${stamp}-${name}.svg`;
        writeFileSync(join(options.outDir, file), svg);
        report.plots.push(file);
      }
    });
  }
  report.profiles = [...(report.pipeline?.profiles ?? []), ...runner.profiles];
  report.targets = checkTargets(report.pipeline, report.state, report.micro);
  report.machine.loadAverageAfter = loadavg();
  report.code.changedDuringRun = codeChangedBetween(REPOSITORY, codeAtStart, codeVersion(REPOSITORY));
  report.durationSeconds = (performance.now() - startedMillis) / 1000;
  const jsonPath = join(options.outDir, `${stamp}.json`);
  writeFileSync(jsonPath, reportJson(report));
  process.stdout.write(renderMarkdown(report, relative(process.cwd(), jsonPath) || jsonPath));
  if (report.failures.length > 0) process.exitCode = 1;
}

try {
  const options = parseBenchOptions(process.argv.slice(2), DEFAULT_OUT_DIR);
  if (options === 'help') process.stdout.write(`${USAGE}\n`);
  else await run(options);
} catch (error) {
  if (error instanceof BenchUsageError) {
    process.stderr.write(`bench: ${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
