/** One line of a chart: points joined in the order given. */
export interface ChartSeries {
  label: string;
  points: ReadonlyArray<{ x: number; y: number }>;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Logarithmic x axis (powers of ten); every x must then be positive. */
  xLog: boolean;
  series: readonly ChartSeries[];
  /** Optional horizontal reference line, e.g. a target. */
  reference?: { y: number; label: string };
}

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { left: 80, right: 170, top: 40, bottom: 56 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/**
 * A small self-contained SVG line chart (no dependency): axes with ticks,
 * one polyline with markers per series, a legend on the right. The y axis
 * is linear from zero.
 */
export function renderLineChart(chart: LineChart): string {
  const points = chart.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (points.length === 0) throw new RangeError(`chart "${chart.title}" has no finite point`);
  if (chart.xLog && points.some((p) => p.x <= 0)) throw new RangeError(`chart "${chart.title}" has a logarithmic x axis and a point with x ≤ 0`);
  const xs = points.map((p) => p.x);
  // A tenth above the reference line keeps it and its label off the frame.
  const yMax = Math.max(...points.map((p) => p.y), (chart.reference?.y ?? 0) * 1.1);
  const yTicks = linearTicks(yMax);
  const yTop = yTicks[yTicks.length - 1];
  const xTicks = chart.xLog ? logTicks(Math.min(...xs), Math.max(...xs)) : linearTicks(Math.max(...xs));
  const xMin = chart.xLog ? xTicks[0] : 0;
  const xMax = xTicks[xTicks.length - 1];
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) =>
    MARGIN.left + plotWidth * (chart.xLog ? Math.log10(x / xMin) / Math.log10(xMax / xMin || 10) : x / (xMax || 1));
  const sy = (y: number) => MARGIN.top + plotHeight * (1 - y / (yTop || 1));

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`);
  out.push(text(WIDTH / 2 - MARGIN.right / 2 + MARGIN.left / 2, 22, chart.title, 'middle', 'font-size="15" font-weight="bold"'));
  for (const tick of yTicks) {
    const y = fixed(sy(tick));
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotWidth}" y2="${y}" stroke="#e0e0e0"/>`);
    out.push(text(MARGIN.left - 6, sy(tick) + 4, formatNumber(tick), 'end'));
  }
  for (const tick of xTicks) {
    const x = fixed(sx(tick));
    out.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotHeight}" stroke="#f0f0f0"/>`);
    out.push(text(sx(tick), MARGIN.top + plotHeight + 16, formatNumber(tick), 'middle'));
  }
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#444"/>`);
  out.push(text(MARGIN.left + plotWidth / 2, HEIGHT - 14, chart.xLabel, 'middle'));
  const yLabelY = MARGIN.top + plotHeight / 2;
  out.push(text(18, yLabelY, chart.yLabel, 'middle', `transform="rotate(-90 18 ${fixed(yLabelY)})"`));
  if (chart.reference !== undefined) {
    const y = fixed(sy(chart.reference.y));
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotWidth}" y2="${y}" stroke="#555" stroke-dasharray="6 4"/>`);
    out.push(text(MARGIN.left + plotWidth - 6, sy(chart.reference.y) - 6, chart.reference.label, 'end'));
  }
  chart.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length];
    const finite = series.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (finite.length > 1) {
      const path = finite.map((p) => `${fixed(sx(p.x))},${fixed(sy(p.y))}`).join(' ');
      out.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    }
    for (const p of finite) out.push(`<circle cx="${fixed(sx(p.x))}" cy="${fixed(sy(p.y))}" r="3.5" fill="${color}"/>`);
    const legendY = MARGIN.top + 14 + i * 20;
    const legendX = MARGIN.left + plotWidth + 12;
    out.push(`<line x1="${legendX}" y1="${legendY - 4}" x2="${legendX + 20}" y2="${legendY - 4}" stroke="${color}" stroke-width="2"/>`);
    out.push(text(legendX + 26, legendY, series.label, 'start'));
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Ticks from 0 to at least `max`, in steps of 1, 2 or 5 times a power of ten, about five of them. */
export function linearTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const ticks: number[] = [];
  for (let i = 0; ; i++) {
    const tick = Number((i * step).toPrecision(12));
    ticks.push(tick);
    if (tick >= max) return ticks;
  }
}

/** Powers of ten from the one at or below `min` to the one at or above `max`. */
export function logTicks(min: number, max: number): number[] {
  const low = Math.floor(Math.log10(min));
  const high = Math.max(low + 1, Math.ceil(Math.log10(max)));
  const ticks: number[] = [];
  for (let e = low; e <= high; e++) ticks.push(10 ** e);
  return ticks;
}

/** 1500 → 1.5k, 2000000 → 2M; small numbers as they are. */
export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${trim(value / 1e9)}G`;
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e3) return `${trim(value / 1e3)}k`;
  return trim(value);
}

function trim(value: number): string {
  return String(Number(value.toPrecision(3)));
}

function fixed(value: number): string {
  return value.toFixed(1);
}

function text(x: number, y: number, content: string, anchor: 'start' | 'middle' | 'end', extra = ''): string {
  return `<text x="${fixed(x)}" y="${fixed(y)}" text-anchor="${anchor}"${extra === '' ? '' : ` ${extra}`}>${escapeXml(content)}</text>`;
}

export function escapeXml(content: string): string {
  return content.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
