/**
 * One state measurement in a fresh process (run with --expose-gc): a DP
 * processor, started as the sidecar starts it, takes every (token, series)
 * pair of a {@link StateShape} into one window; the heap it holds afterwards,
 * divided by the pairs, is the memory of one state entry. Prints one JSON
 * object ({@link StateCellResult}) on stdout.
 *
 * Usage: node --expose-gc state-cell.js '{"tokens":1000,"seriesPerToken":10,"temporality":"delta"}'
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_DP_CONFIG, DpProcessor } from '@otel-dp/processor-dp';
import { peakRssBytes } from './child-processes.js';
import { stateRequests, type StateShape } from './state-requests.js';

export interface StateCellResult {
  shape: StateShape;
  entries: number;
  /** Heap (and array buffers) held per (token, series) entry once every pair is in, in bytes. */
  bytesPerEntry: number;
  /** Resident set size then, and its peak so far (the passes that filled the window included), in bytes. */
  rssBytes: number;
  peakRssBytes: number;
  /** consume() throughput, data points/s, of a first pass: every pair new (delta: window entries; cumulative: baselines). */
  firstPassPointsPerSecond: number;
  /** consume() throughput of later passes over pairs already held (cumulative: each point yields a delta). */
  laterPassPointsPerSecond: number;
  /** Time to release the window holding every entry (bounding, aggregation, selection, noise), in ms. */
  releaseMillis: number;
}

/** Mid-window on a frozen clock, so no window closes during the measurement. */
const FROZEN_NOW_MILLIS = 1_700_000_030_000;
/** Small populations are fed again until each throughput rests on at least this many points. */
const MIN_TIMED_POINTS = 500_000;

interface Fed {
  millis: number;
  points: number;
  rejected: number;
}

function add(total: Fed, more: Fed): Fed {
  return { millis: total.millis + more.millis, points: total.points + more.points, rejected: total.rejected + more.rejected };
}

function heldBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('state-cell.js needs node --expose-gc');
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** Feeds one pass and returns the time spent inside consume() only, with the points consumed. */
async function feed(processor: DpProcessor, shape: StateShape, pass: number): Promise<Fed> {
  let millis = 0;
  let points = 0;
  let rejected = 0;
  for (const request of stateRequests(shape, pass)) {
    const count = request.resourceMetrics[0].scopeMetrics[0].metrics.reduce((n, m) => n + m.sum!.dataPoints.length, 0);
    const start = performance.now();
    const result = await processor.consume(request);
    millis += performance.now() - start;
    points += count;
    rejected += result.rejectedDataPoints;
  }
  return { millis, points, rejected };
}

/** Far above what a million entries of any kind take, so only the entry caps below bound a cell. */
const STATE_MAX_WINDOW_BYTES = 2 ** 36;

async function startedProcessor(shape: StateShape): Promise<DpProcessor> {
  const entries = shape.tokens * shape.seriesPerToken;
  const processor = new DpProcessor(
    // No byte cap: the cells measure what the entries cost, up to a million of them, past the default 32 MiB.
    { ...DEFAULT_DP_CONFIG, clip: [], maxTokens: shape.tokens + 1, maxSeries: Math.max(shape.seriesPerToken, 1000), maxWindowBytes: STATE_MAX_WINDOW_BYTES },
    { export: async () => undefined },
    // One more than the pairs: a full window refuses whole requests, and the second pass must still be taken.
    { now: () => FROZEN_NOW_MILLIS, maxWindowEntries: entries + 1, maxCumulativeStreams: entries + 1 },
  );
  await processor.start();
  return processor;
}

/** Runs the same code paths on a small population first, so the measured passes run optimized code. */
async function warmUp(temporality: StateShape['temporality']): Promise<void> {
  const shape: StateShape = { tokens: 2000, seriesPerToken: 10, temporality };
  const processor = await startedProcessor(shape);
  for (let pass = 0; pass < 3; pass++) await feed(processor, shape, pass);
  await processor.shutdown();
}

async function main(): Promise<void> {
  const shape = JSON.parse(process.argv[2] ?? '') as StateShape;
  const entries = shape.tokens * shape.seriesPerToken;
  await warmUp(shape.temporality);
  const processor = await startedProcessor(shape);
  const before = heldBytes();
  let first = await feed(processor, shape, 0);
  let pass = 1;
  // Cumulative input holds a baseline per pair after the first pass, and a window entry too after the second.
  let later = shape.temporality === 'cumulative' ? await feed(processor, shape, pass++) : { millis: 0, points: 0, rejected: 0 };
  const held = heldBytes() - before;
  const rssBytes = process.memoryUsage().rss;
  const peakRss = peakRssBytes(process.pid);
  while (later.points < MIN_TIMED_POINTS) later = add(later, await feed(processor, shape, pass++));
  const releaseStart = performance.now();
  await processor.flush();
  const releaseMillis = performance.now() - releaseStart;
  await processor.shutdown();
  while (first.points < MIN_TIMED_POINTS) {
    const fresh = await startedProcessor(shape);
    first = add(first, await feed(fresh, shape, 0));
    await fresh.shutdown();
  }
  if (first.rejected + later.rejected > 0) throw new Error(`the processor refused ${first.rejected + later.rejected} points`);
  const result: StateCellResult = {
    shape,
    entries,
    bytesPerEntry: held / entries,
    rssBytes,
    peakRssBytes: peakRss,
    firstPassPointsPerSecond: (first.points * 1000) / first.millis,
    laterPassPointsPerSecond: (later.points * 1000) / later.millis,
    releaseMillis,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
