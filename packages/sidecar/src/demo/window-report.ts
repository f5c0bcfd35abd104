import type { BatchExporter, ExportBatch, WindowSummary } from '@otel-dp/pipeline';
import { ErrorSummary } from './error-summary.js';
import type { RouteRelease } from './route-release.js';
import { DEMO_ROUTES, routeLabel } from './synthetic-app.js';
import { textTable } from './text-table.js';
import { stringAttribute, type RouteTruth, type TrueCounts } from './true-counts.js';

/** Wide enough for the demo's route labels and for counts up to a few million, so every table lines up. */
export const WINDOW_COLUMN_WIDTHS = [12, 7, 7, 12, 7];

/** When the synthetic application sent traffic; windows it only partly covers are marked. */
export interface TrafficSpan {
  startMillis: number;
  /** Undefined while traffic is still running. */
  endMillis: number | undefined;
}

/**
 * The demo's exporter: instead of sending releases anywhere, prints each
 * window as a table next to the true totals, before and after clipping, so
 * the effect of clipping and noise can be read off; {@link closingSummary}
 * adds them up at the end. Batches without a DP summary are ignored.
 */
export class WindowReportPrinter implements BatchExporter {
  private printed = 0;
  private readonly errors = new ErrorSummary();
  readonly traffic: TrafficSpan = { startMillis: Date.now(), endMillis: undefined };

  constructor(private readonly options: { counts: TrueCounts; metricName: string; write: (text: string) => void }) {}

  /** Number of window tables printed so far. */
  get windowsPrinted(): number {
    return this.printed;
  }

  async export(batch: ExportBatch): Promise<void> {
    const { summary } = batch;
    if (summary === undefined) return;
    const truth = this.options.counts.take(Number(summary.windowStartUnixNano / 1_000_000n));
    if (truth.size === 0 && summary.series.length === 0 && summary.suppressedSeries === 0) return;
    const released = releasedRoutes(summary, this.options.metricName);
    const partial = partialNote(summary, this.traffic);
    this.errors.add(truth, released, partial !== undefined);
    this.options.write(renderWindowTable(summary, truth, released, partial));
    this.printed++;
  }

  /** The closing table: mean error per route over the windows printed, split into clipping and noise. */
  closingSummary(): string {
    return this.errors.render(this.options.metricName);
  }
}

export function releasedRoutes(summary: WindowSummary, metricName: string): Map<string, RouteRelease> {
  const released = new Map<string, RouteRelease>();
  for (const series of summary.series) {
    if (series.metric !== metricName) continue;
    const route = routeLabel(stringAttribute(series.attributes, 'http.request.method'), stringAttribute(series.attributes, 'http.route'));
    released.set(route, { value: series.value, sigma: series.noiseStdDev });
  }
  return released;
}

/** `partial: traffic from 12:00:03.2` when the traffic began or ended inside the window; undefined for a full window. */
export function partialNote(summary: WindowSummary, traffic: TrafficSpan): string | undefined {
  const start = Number(summary.windowStartUnixNano / 1_000_000n);
  const end = Number(summary.windowEndUnixNano / 1_000_000n);
  const parts: string[] = [];
  if (traffic.startMillis > start) parts.push(`from ${clock(BigInt(traffic.startMillis) * 1_000_000n)}`);
  if (traffic.endMillis !== undefined && traffic.endMillis < end) parts.push(`until ${clock(BigInt(traffic.endMillis) * 1_000_000n)}`);
  return parts.length === 0 ? undefined : `partial: traffic ${parts.join(' ')}`;
}

/** A released value, with `0*` for one clamped to zero (the footnote says so). */
export function releasedText(value: number): string {
  return value === 0 ? '0*' : value.toFixed(1);
}

/**
 * One window as text: a title with the window (marked when the traffic only
 * partly covered it), one row per route (true total, true total after each
 * token's contribution is clipped, released value, noise σ), the suppressed
 * count, and a footnote when a value was clamped to zero.
 */
export function renderWindowTable(summary: WindowSummary, truth: ReadonlyMap<string, RouteTruth>, released: ReadonlyMap<string, RouteRelease>, partial?: string): string {
  const routes = [...new Set([...DEMO_ROUTES.map((r) => routeLabel(r.method, r.route)), ...truth.keys(), ...released.keys()])];
  const rows = routes.map((route) => {
    const release = released.get(route);
    const { raw, clipped } = truth.get(route) ?? { raw: 0, clipped: 0 };
    return [route, formatCount(raw), formatCount(clipped), release === undefined ? 'not released' : releasedText(release.value), release === undefined ? '' : release.sigma.toFixed(1)];
  });
  const title =
    `window ${clock(summary.windowStartUnixNano)}–${clock(summary.windowEndUnixNano)} UTC  ${summary.mechanism}, ε=${summary.epsilon}, δ=${summary.delta}` +
    (partial === undefined ? '' : `  (${partial})`);
  const lines = [`suppressed series (held back by partition selection): ${summary.suppressedSeries}`];
  if ([...released.values()].some((release) => release.value === 0)) lines.push('0* = released as 0: the noisy value was not above 0, and nothing is released below 0');
  return `${title}\n${textTable(['route', 'true', 'clipped', 'released', 'noise σ'], rows, WINDOW_COLUMN_WIDTHS)}${lines.join('\n')}\n\n`;
}

export function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function clock(unixNano: bigint): string {
  const iso = new Date(Number(unixNano / 1_000_000n)).toISOString();
  return iso.endsWith('.000Z') ? iso.slice(11, 19) : iso.slice(11, 23);
}
