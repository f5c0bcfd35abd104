import type { BatchExporter, ExportBatch, WindowSummary } from '@otel-dp/otlp';
import { DEMO_ROUTES, routeLabel } from './synthetic-app.js';
import { stringAttribute, type TrueCounts } from './true-counts.js';

/**
 * The demo's exporter: instead of sending releases anywhere, prints each
 * window as a table next to the true totals, so the effect of clipping and
 * noise can be read off. Batches without a DP summary are ignored.
 */
export class WindowReportPrinter implements BatchExporter {
  private printed = 0;

  constructor(
    private readonly options: { counts: TrueCounts; metricName: string; write: (text: string) => void },
  ) {}

  /** Number of window tables printed so far. */
  get windowsPrinted(): number {
    return this.printed;
  }

  async export(batch: ExportBatch): Promise<void> {
    const { summary } = batch;
    if (summary === undefined) return;
    const truth = this.options.counts.take(Number(summary.windowStartUnixNano / 1_000_000n));
    if (truth.size === 0 && summary.series.length === 0 && summary.suppressedSeries === 0) return;
    this.options.write(renderWindowTable(summary, truth, this.options.metricName));
    this.printed++;
  }
}

/**
 * One window as text: a title with the window and its budget, one row per
 * route (true total, released value, noise σ), and the suppressed count.
 */
export function renderWindowTable(summary: WindowSummary, truth: ReadonlyMap<string, number>, metricName: string): string {
  const released = new Map<string, { value: number; sigma: number }>();
  for (const series of summary.series) {
    if (series.metric !== metricName) continue;
    const route = routeLabel(stringAttribute(series.attributes, 'http.request.method'), stringAttribute(series.attributes, 'http.route'));
    released.set(route, { value: series.value, sigma: series.noiseStdDev });
  }
  const routes = [...new Set([...DEMO_ROUTES.map((r) => routeLabel(r.method, r.route)), ...truth.keys(), ...released.keys()])];
  const rows = routes.map((route) => {
    const release = released.get(route);
    return [
      route,
      String(truth.get(route) ?? 0),
      release === undefined ? 'not released' : release.value.toFixed(1),
      release === undefined ? '' : release.sigma.toFixed(1),
    ];
  });
  const title = `window ${clock(summary.windowStartUnixNano)}–${clock(summary.windowEndUnixNano)} UTC  ${summary.mechanism}, ε=${summary.epsilon}, δ=${summary.delta}`;
  const suppressed = `suppressed series (held back by partition selection): ${summary.suppressedSeries}`;
  return `${title}\n${table(['route', 'true', 'released', 'noise σ'], rows)}${suppressed}\n\n`;
}

function clock(unixNano: bigint): string {
  const iso = new Date(Number(unixNano / 1_000_000n)).toISOString();
  return iso.endsWith('.000Z') ? iso.slice(11, 19) : iso.slice(11, 23);
}

// The first column is left-aligned, the numbers right-aligned.
function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]): string =>
    `  ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ')}`.trimEnd() + '\n';
  return line(header) + rows.map(line).join('');
}
