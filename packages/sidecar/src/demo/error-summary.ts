import { DEMO_ROUTES, routeLabel } from './synthetic-app.js';
import { textTable } from './text-table.js';
import type { RouteTruth } from './true-counts.js';
import type { RouteRelease } from './route-release.js';

interface RouteErrors {
  windows: number;
  raw: number;
  clipped: number;
  released: number;
  variance: number;
}

/**
 * Adds up, per route, the windows in which it was released: the error
 * released − true splits exactly into clipping (clipped − true, what tokens
 * sent above the clip) and noise (released − clipped). The noise part's
 * mean has a standard error of √(Σσ²)/n, printed beside it, so a reader can
 * tell a bias from chance.
 */
export class ErrorSummary {
  private readonly routes = new Map<string, RouteErrors>();
  private windows = 0;
  private partialWindows = 0;

  add(truth: ReadonlyMap<string, RouteTruth>, released: ReadonlyMap<string, RouteRelease>, partial: boolean): void {
    this.windows++;
    if (partial) this.partialWindows++;
    for (const [route, release] of released) {
      const { raw, clipped } = truth.get(route) ?? { raw: 0, clipped: 0 };
      const totals = this.routes.get(route) ?? { windows: 0, raw: 0, clipped: 0, released: 0, variance: 0 };
      totals.windows++;
      totals.raw += raw;
      totals.clipped += clipped;
      totals.released += release.value;
      totals.variance += release.sigma ** 2;
      this.routes.set(route, totals);
    }
  }

  render(metricName: string): string {
    const known = DEMO_ROUTES.map((r) => routeLabel(r.method, r.route));
    const routes = [...new Set([...known, ...this.routes.keys()])];
    const rows = routes.map((route) => {
      const totals = this.routes.get(route);
      if (totals === undefined) return [route, '0', '', '', '', '', ''];
      const n = totals.windows;
      const noiseError = Math.sqrt(totals.variance) / n;
      return [
        route,
        String(n),
        (totals.raw / n).toFixed(1),
        signed((totals.released - totals.raw) / n),
        signed((totals.clipped - totals.raw) / n),
        `${signed((totals.released - totals.clipped) / n)} ±${noiseError.toFixed(1)}`,
        totals.raw === 0 ? '' : `${signed((100 * (totals.released - totals.raw)) / totals.raw)}%`,
      ];
    });
    const partial = this.partialWindows === 0 ? '' : `, ${this.partialWindows} of them partial`;
    return [
      `summary of ${metricName} over ${this.windows} windows${partial}: mean per window in which the route was released`,
      textTable(['route', 'windows', 'true', 'error', 'from clipping', 'from noise', 'error %'], rows).trimEnd(),
      '  error = released − true = from clipping (clipped − true) + from noise (released − clipped);',
      '  ± is the standard error of the noise part’s mean: a noise part within about 2 of them is chance, not bias.',
      '',
      '',
    ].join('\n');
  }
}

function signed(value: number): string {
  const text = value.toFixed(1);
  return value > 0 ? `+${text}` : text === '-0.0' ? '0.0' : text;
}
