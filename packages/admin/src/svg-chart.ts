import { escapeHtml, formatFigure } from './html.js';

/** One line of a chart: points joined in the order given. */
export interface ChartSeries {
  label: string;
  /** A CSS colour, e.g. `#e0218a`; by default the next of a fixed palette. */
  colour?: string;
  points: ReadonlyArray<{ x: number; y: number }>;
}

/** An axis: the range drawn and where its labelled ticks fall. */
export interface ChartAxis {
  min: number;
  max: number;
  /** Logarithmic: min and max must then be positive. */
  log?: boolean;
  ticks: ReadonlyArray<{ value: number; text: string }>;
  /** Written along the axis, when given. */
  label?: string;
}

/** How a chart looks: its size, plot area, colours and where the legend goes. */
export interface ChartStyle {
  width: number;
  height: number;
  plot: { left: number; right: number; top: number; bottom: number };
  background: string;
  /** Horizontal grid lines, one per y tick. */
  gridColour: string;
  /** Vertical grid lines, one per x tick; none when absent. */
  verticalGridColour?: string;
  /** A frame around the plot area; none when absent. */
  frameColour?: string;
  textColour: string;
  tickFontSize: number;
  lineWidth: number;
  /** Points are drawn as dots too up to this many per line; past it they would merge into the line. */
  maxDots: number;
  /** Above the plot, one swatch after the other, or on its right, one under the other. */
  legend: 'top' | 'right';
  /** Whether the title is written on the chart, beside its `<title>` for screen readers. */
  showTitle: boolean;
}

export interface Chart {
  /** The `id` of the `<svg>` element, when it needs one. */
  id?: string;
  title: string;
  style: ChartStyle;
  x: ChartAxis;
  y: ChartAxis;
  series: readonly ChartSeries[];
  /** A dashed horizontal line, e.g. a target. */
  reference?: { y: number; label: string };
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/**
 * An inline SVG line chart, no dependency: grid and tick labels, one
 * polyline per series (with dots while they stay apart), a legend, an
 * optional reference line. Every element but the lines and their legend
 * swatches uses the style's greys, so a line's colour marks only that line.
 */
export function renderChart(chart: Chart): string {
  const { style, x: xAxis, y: yAxis } = chart;
  const { plot } = style;
  const x = scale(xAxis, plot.left, plot.right);
  const y = scale(yAxis, plot.bottom, plot.top);
  const id = chart.id === undefined ? '' : ` id="${escapeHtml(chart.id)}"`;
  const parts: string[] = [
    `<svg${id} xmlns="http://www.w3.org/2000/svg" width="${style.width}" height="${style.height}" viewBox="0 0 ${style.width} ${style.height}" role="img" font-family="sans-serif">`,
    `<title>${escapeHtml(chart.title)}</title>`,
    `<rect x="0" y="0" width="${style.width}" height="${style.height}" fill="${style.background}"/>`,
  ];
  if (style.showTitle) {
    parts.push(text(style, (plot.left + plot.right) / 2, 22, chart.title, 'middle', 'font-size="15" font-weight="bold"'));
  }
  for (const tick of yAxis.ticks) {
    const at = fixed(y(tick.value));
    parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${at}" y2="${at}" stroke="${style.gridColour}" stroke-width="1"/>`);
    parts.push(text(style, plot.left - 6, y(tick.value) + 4, tick.text, 'end'));
  }
  for (const tick of xAxis.ticks) {
    if (style.verticalGridColour !== undefined) {
      const at = fixed(x(tick.value));
      parts.push(`<line x1="${at}" x2="${at}" y1="${plot.top}" y2="${plot.bottom}" stroke="${style.verticalGridColour}" stroke-width="1"/>`);
    }
    parts.push(text(style, x(tick.value), plot.bottom + 18, tick.text, 'middle'));
  }
  if (style.frameColour !== undefined) {
    parts.push(`<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="none" stroke="${style.frameColour}"/>`);
  }
  if (xAxis.label !== undefined) parts.push(text(style, (plot.left + plot.right) / 2, style.height - 14, xAxis.label, 'middle'));
  if (yAxis.label !== undefined) {
    const middle = fixed((plot.top + plot.bottom) / 2);
    parts.push(text(style, 18, (plot.top + plot.bottom) / 2, yAxis.label, 'middle', `transform="rotate(-90 18 ${middle})"`));
  }
  if (chart.reference !== undefined) {
    const at = fixed(y(chart.reference.y));
    parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${at}" y2="${at}" stroke="#555" stroke-dasharray="6 4"/>`);
    parts.push(text(style, plot.right - 6, y(chart.reference.y) - 6, chart.reference.label, 'end'));
  }
  chart.series.forEach((series, i) => {
    const colour = series.colour ?? (PALETTE[i % PALETTE.length] as string);
    const points = series.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).map((p) => `${fixed(x(p.x))},${fixed(y(p.y))}`);
    parts.push(`<polyline points="${points.join(' ')}" data-line="${escapeHtml(series.label)}" fill="none" stroke="${colour}" stroke-width="${style.lineWidth}" stroke-linejoin="round"/>`);
    if (points.length <= style.maxDots) {
      for (const point of points) {
        const [cx, cy] = point.split(',');
        parts.push(`<circle cx="${cx}" cy="${cy}" r="3.5" fill="${colour}"/>`);
      }
    }
  });
  parts.push(...legend(style, chart.series));
  parts.push('</svg>');
  return parts.join('\n');
}

function scale(axis: ChartAxis, from: number, to: number): (value: number) => number {
  if (axis.log === true) {
    const span = Math.log10(axis.max / axis.min) || 1;
    return (value) => from + (Math.log10(value / axis.min) / span) * (to - from);
  }
  const span = axis.max - axis.min || 1;
  return (value) => from + ((value - axis.min) / span) * (to - from);
}

function legend(style: ChartStyle, series: readonly ChartSeries[]): string[] {
  const out: string[] = [];
  let left = style.plot.left;
  series.forEach((line, i) => {
    const colour = line.colour ?? (PALETTE[i % PALETTE.length] as string);
    if (style.legend === 'top') {
      out.push(`<rect x="${left}" y="10" width="14" height="4" fill="${colour}"/>`);
      out.push(text(style, left + 20, 16, line.label, 'start', 'font-size="12"'));
      left += 28 + 7 * line.label.length;
    } else {
      const top = style.plot.top + 14 + i * 20;
      const at = style.plot.right + 12;
      out.push(`<line x1="${at}" y1="${top - 4}" x2="${at + 20}" y2="${top - 4}" stroke="${colour}" stroke-width="${style.lineWidth}"/>`);
      out.push(text(style, at + 26, top, line.label, 'start', 'font-size="12"'));
    }
  });
  return out;
}

function text(style: ChartStyle, x: number, y: number, content: string, anchor: 'start' | 'middle' | 'end', extra = `font-size="${style.tickFontSize}"`): string {
  return `<text x="${fixed(x)}" y="${fixed(y)}" text-anchor="${anchor}" ${extra} fill="${style.textColour}">${escapeHtml(content)}</text>`;
}

function fixed(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** The status page's charts: 760 × 220, a legend above, grey grid, thick lines. */
const PANEL_STYLE: Omit<ChartStyle, 'background'> = {
  width: 760,
  height: 220,
  plot: { left: 60, right: 744, top: 34, bottom: 192 },
  gridColour: '#d5dbe3',
  textColour: '#4a5568',
  tickFontSize: 11,
  lineWidth: 3,
  maxDots: 120,
  legend: 'top',
  showTitle: false,
};

/** One line of a {@link TimeChart}. */
export interface ChartLine {
  label: string;
  colour: string;
  /** One value per entry of {@link TimeChart.times}. */
  values: readonly number[];
}

/** A line chart over a time range, one point per time. */
export interface TimeChart {
  /** The `id` of the `<svg>` element. */
  id: string;
  /** Said to screen readers (`<title>`). */
  title: string;
  /** Background of the whole chart, a colour no other element of the page uses. */
  background: string;
  fromMillis: number;
  toMillis: number;
  /** X of each point, in Unix milliseconds. */
  times: readonly number[];
  lines: readonly ChartLine[];
}

/**
 * A chart of values over a time range ending now, as the status page draws
 * it: the y axis goes from 0 to a round number at or above the largest
 * value in four steps; the x axis is labelled in minutes (seconds under ten
 * minutes) before `toMillis`.
 */
export function renderTimeChart(chart: TimeChart): string {
  const top = roundUp(Math.max(0, ...chart.lines.flatMap((line) => line.values)));
  const spanMillis = chart.toMillis - chart.fromMillis;
  // Under ten minutes, whole minutes would repeat: label in seconds.
  const [unit, unitMillis] = spanMillis < 600_000 ? ['s', 1000] : ['min', 60_000];
  const xTicks = [0, 1, 2, 3, 4].map((i) => {
    const ago = Math.round((spanMillis * (1 - i / 4)) / unitMillis);
    return { value: chart.fromMillis + (spanMillis * i) / 4, text: ago === 0 ? 'now' : `-${ago} ${unit}` };
  });
  const yTicks = [0, 1, 2, 3, 4].map((i) => ({ value: (top * i) / 4, text: formatFigure((top * i) / 4) }));
  return renderChart({
    id: chart.id,
    title: chart.title,
    style: { ...PANEL_STYLE, background: chart.background },
    x: { min: chart.fromMillis, max: Math.max(chart.toMillis, chart.fromMillis + 1), ticks: xTicks },
    y: { min: 0, max: top, ticks: yTicks },
    series: chart.lines.map((line) => ({
      label: line.label,
      colour: line.colour,
      points: chart.times.map((time, i) => ({ x: time, y: line.values[i] ?? 0 })),
    })),
  });
}

/** Report charts: 720 × 420, a white background, a framed plot, the legend on the right. */
const REPORT_STYLE: ChartStyle = {
  width: 720,
  height: 420,
  plot: { left: 80, right: 550, top: 40, bottom: 364 },
  background: 'white',
  gridColour: '#e0e0e0',
  verticalGridColour: '#f0f0f0',
  frameColour: '#444',
  textColour: '#222',
  tickFontSize: 12,
  lineWidth: 2,
  maxDots: Number.POSITIVE_INFINITY,
  legend: 'right',
  showTitle: true,
};

/** A chart of x–y points with axes fitted to them. */
export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Logarithmic x axis (powers of ten); every x must then be positive. */
  xLog: boolean;
  series: readonly ChartSeries[];
  /** Optional horizontal reference line, e.g. a target. */
  reference?: { y: number; label: string };
  /** Tick labels; by default whole numbers in full, others to 4 significant digits. */
  formatTick?: (value: number) => string;
}

/**
 * A report chart with axes fitted to the points: y linear from zero, x
 * linear from zero or logarithmic over whole powers of ten. Throws a
 * RangeError for a chart with no finite point, or a logarithmic axis with a
 * point at or below zero.
 */
export function renderLineChart(chart: LineChart): string {
  const points = chart.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (points.length === 0) throw new RangeError(`chart "${chart.title}" has no finite point`);
  if (chart.xLog && points.some((p) => p.x <= 0)) throw new RangeError(`chart "${chart.title}" has a logarithmic x axis and a point with x ≤ 0`);
  const format = chart.formatTick ?? formatFigure;
  const xs = points.map((p) => p.x);
  // A tenth above the reference line keeps it and its label off the frame.
  const yTicks = linearTicks(Math.max(...points.map((p) => p.y), (chart.reference?.y ?? 0) * 1.1));
  const xTicks = chart.xLog ? logTicks(Math.min(...xs), Math.max(...xs)) : linearTicks(Math.max(...xs));
  const labelled = (ticks: number[]) => ticks.map((value) => ({ value, text: format(value) }));
  return `${renderChart({
    title: chart.title,
    style: REPORT_STYLE,
    x: { min: chart.xLog ? (xTicks[0] as number) : 0, max: xTicks.at(-1) as number, log: chart.xLog, ticks: labelled(xTicks), label: chart.xLabel },
    y: { min: 0, max: yTicks.at(-1) as number, ticks: labelled(yTicks), label: chart.yLabel },
    series: chart.series,
    ...(chart.reference === undefined ? {} : { reference: chart.reference }),
  })}\n`;
}

/** The smallest of 1, 2, 5 × 10^k at or above `value` (1 for 0), so ticks fall on round numbers. */
export function roundUp(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

/** Ticks from 0 to at least `max`, in steps of 1, 2 or 5 times a power of ten, about five of them. */
export function linearTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) as number;
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
