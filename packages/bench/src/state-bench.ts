import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnNode } from './child-processes.js';
import { profileArgs, readProfileSummary, type ProfileSummary } from './cpu-profile.js';
import type { StateCellResult } from './state-cell.js';
import type { StateShape } from './state-requests.js';
import { spreadOf, type Spread } from './stats.js';

/** Repeated runs of one state cell, each in a fresh process. */
export interface StateCellSummary {
  shape: StateShape;
  entries: number;
  bytesPerEntry: Spread;
  rssBytes: Spread;
  peakRssBytes: Spread;
  firstPassPointsPerSecond: Spread;
  laterPassPointsPerSecond: Spread;
  releaseMillis: Spread;
  runs: StateCellResult[];
}

const SCRIPT = fileURLToPath(new URL('./state-cell.js', import.meta.url));
/** The state cells run on the core the sidecar is measured on. */
const STATE_CPU = 0;
const CELL_TIMEOUT_MILLIS = 10 * 60_000;
/** Headroom over the default heap limit: a state that grows shows as a number, not as a crash (1M cumulative entries once took 1.4 GB). */
const HEAP_LIMIT_MB = 6144;
const PROFILE_TOP = 15;

/** Runs state cells, each shape `runs` times however many sections ask for it. Call one cell at a time. */
export class StateCellRunner {
  /** With a profile directory: where the CPU time of each cell's first run went. */
  readonly profiles: ProfileSummary[] = [];
  private readonly done = new Map<string, StateCellSummary>();

  constructor(
    private readonly runs: number,
    private readonly progress: (line: string) => void,
    private readonly profileDir: string | undefined,
  ) {}

  /** The shape's summary over `runs` fresh processes, measured on the first call. */
  async summary(shape: StateShape): Promise<StateCellSummary> {
    const key = JSON.stringify(shape);
    let summary = this.done.get(key);
    if (summary === undefined) {
      summary = await this.measure(shape);
      this.done.set(key, summary);
    }
    return summary;
  }

  private async measure(shape: StateShape): Promise<StateCellSummary> {
    const results: StateCellResult[] = [];
    const name = `state-${shape.temporality}-${shape.tokens}x${shape.seriesPerToken}`;
    for (let run = 1; run <= this.runs; run++) {
      const profiled = run === 1 && this.profileDir !== undefined;
      const result = await runCell(shape, profiled ? profileArgs(this.profileDir, name) : []);
      results.push(result);
      if (profiled) {
        const summary = readProfileSummary(`state cell ${shape.temporality}, ${shape.tokens} tokens × ${shape.seriesPerToken} series`, join(this.profileDir!, `${name}.cpuprofile`), PROFILE_TOP);
        if (summary !== undefined) this.profiles.push(summary);
      }
      this.progress(
        `state ${shape.temporality} ${shape.tokens} tokens × ${shape.seriesPerToken} series, run ${run}/${this.runs}: ` +
          `${result.bytesPerEntry.toFixed(0)} B/entry, ${Math.round(result.laterPassPointsPerSecond)} points/s`,
      );
    }
    const pick = (f: (r: StateCellResult) => number) => spreadOf(results.map(f));
    return {
      shape,
      entries: results[0].entries,
      bytesPerEntry: pick((r) => r.bytesPerEntry),
      rssBytes: pick((r) => r.rssBytes),
      peakRssBytes: pick((r) => r.peakRssBytes),
      firstPassPointsPerSecond: pick((r) => r.firstPassPointsPerSecond),
      laterPassPointsPerSecond: pick((r) => r.laterPassPointsPerSecond),
      releaseMillis: pick((r) => r.releaseMillis),
      runs: results,
    };
  }
}

function runCell(shape: StateShape, extraNodeArgs: string[]): Promise<StateCellResult> {
  const args = ['--expose-gc', `--max-old-space-size=${HEAP_LIMIT_MB}`, ...extraNodeArgs, SCRIPT, JSON.stringify(shape)];
  const child = spawnNode(args, STATE_CPU, ['ignore', 'pipe', 'pipe']);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), CELL_TIMEOUT_MILLIS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) return resolve(JSON.parse(line) as StateCellResult);
      reject(new Error(`state cell ${JSON.stringify(shape)} ended with ${signal ?? `code ${String(code)}`}: ${stderr.trim()}`));
    });
  });
}
