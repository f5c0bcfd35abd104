import type { StateCellRunner, StateCellSummary } from './state-bench.js';
import type { StateShape } from './state-requests.js';
import { renderLineChart } from '@otel-dp/admin';
import { formatNumber } from './markdown-format.js';

/** Bytes per (token, series) entry at growing entry counts. */
export interface StateSection {
  /** Every token touches this many series (the default --max-series-per-token). */
  seriesPerToken: number;
  cells: StateCellSummary[];
}

/** Throughput and memory over a grid of tokens × series per token. */
export interface ScalingSection {
  tokens: number[];
  seriesPerToken: number[];
  /** Cells with more (token, series) entries than this are skipped. */
  maxEntries: number;
  /** Why the cap is where it is. */
  capReason: string;
  cells: StateCellSummary[];
  skipped: Array<{ tokens: number; seriesPerToken: number; entries: number }>;
}

const STATE_SERIES_PER_TOKEN = 10;
/** The processor's default cap on (token, series) entries in one window. */
const DEFAULT_WINDOW_ENTRIES = 1_000_000;
/**
 * Below this many entries the heap's own fluctuations between two readings
 * (compiled code, pools grown in chunks: tens to hundreds of KB) outweigh the
 * state, so bytes per entry says little and is left out of the plot.
 */
export const MIN_ENTRIES_FOR_BYTES = 10_000;

export async function runStateSection(runner: StateCellRunner, quick: boolean): Promise<StateSection> {
  const entryCounts = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  const cells: StateCellSummary[] = [];
  for (const temporality of ['delta', 'cumulative'] as const) {
    for (const entries of entryCounts) {
      cells.push(await runner.summary({ tokens: entries / STATE_SERIES_PER_TOKEN, seriesPerToken: STATE_SERIES_PER_TOKEN, temporality }));
    }
  }
  return { seriesPerToken: STATE_SERIES_PER_TOKEN, cells };
}

/**
 * The grid stops at the processor's default window cap of one million
 * entries: beyond it a sidecar refuses new entries unless configured
 * otherwise, and 10 million entries would need gigabytes.
 */
export async function runScalingSection(runner: StateCellRunner, quick: boolean): Promise<ScalingSection> {
  const tokens = quick ? [1_000, 10_000, 100_000] : [1_000, 10_000, 100_000, 1_000_000];
  const seriesPerToken = quick ? [1, 10] : [1, 10, 100];
  const maxEntries = quick ? 100_000 : DEFAULT_WINDOW_ENTRIES;
  const capReason = quick ? 'the --quick cap' : "the processor's default window cap";
  const cells: StateCellSummary[] = [];
  const skipped: ScalingSection['skipped'] = [];
  for (const series of seriesPerToken) {
    for (const tokenCount of tokens) {
      const shape: StateShape = { tokens: tokenCount, seriesPerToken: series, temporality: 'delta' };
      const entries = tokenCount * series;
      if (entries > maxEntries) skipped.push({ tokens: tokenCount, seriesPerToken: series, entries });
      else cells.push(await runner.summary(shape));
    }
  }
  return { tokens, seriesPerToken, maxEntries, capReason, cells, skipped };
}

/** The two scaling plots, as SVG documents keyed by a file-name suffix. */
export function scalingCharts(section: ScalingSection): Map<string, string> {
  const bySeries = (pick: (cell: StateCellSummary) => number, minEntries = 0) =>
    section.seriesPerToken.map((series) => ({
      label: `${series} series/token`,
      points: section.cells
        .filter((c) => c.shape.seriesPerToken === series && c.entries >= minEntries)
        .map((c) => ({ x: c.shape.tokens, y: pick(c) })),
    }));
  return new Map([
    [
      'scaling-throughput',
      renderLineChart({
        title: 'DP processor consume() throughput (delta sums)',
        xLabel: 'tokens in the window',
        yLabel: 'data points/s (entries already held)',
        xLog: true,
        formatTick: formatNumber,
        series: bySeries((c) => c.laterPassPointsPerSecond.median),
      }),
    ],
    [
      'scaling-memory',
      renderLineChart({
        title: 'Heap per (token, series) entry',
        xLabel: 'tokens in the window',
        yLabel: 'bytes per entry',
        xLog: true,
        formatTick: formatNumber,
        series: bySeries((c) => c.bytesPerEntry.median, MIN_ENTRIES_FOR_BYTES),
        reference: { y: 150, label: 'target 150 B' },
      }),
    ],
  ]);
}
