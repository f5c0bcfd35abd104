import { escapeHtml, formatFigure } from './html.js';

/** One line of a chart. */
export interface ChartLine {
  label: string;
  /** A CSS colour, e.g. `#e0218a`. */
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

const WIDTH = 760;
const HEIGHT = 220;
const PLOT = { left: 60, right: WIDTH - 16, top: 34, bottom: HEIGHT - 28 } as const;
const Y_TICKS = 4;
/** Points are drawn as dots too up to this many; past it they would merge into the line. */
const MAX_DOTS = 120;
const GRID_COLOUR = '#d5dbe3';
const AXIS_TEXT_COLOUR = '#4a5568';

/**
 * An inline SVG line chart. The y axis goes from 0 to a round number at or
 * above the largest value; the x axis is labelled in minutes before
 * `toMillis`. Every element but the lines and their legend swatches uses
 * grey, so a line's colour marks only that line.
 */
export function renderTimeChart(chart: TimeChart): string {
  const top = roundUp(Math.max(0, ...chart.lines.flatMap((line) => line.values)));
  const span = Math.max(1, chart.toMillis - chart.fromMillis);
  const x = (time: number): number => PLOT.left + ((time - chart.fromMillis) / span) * (PLOT.right - PLOT.left);
  const y = (value: number): number => PLOT.bottom - (value / top) * (PLOT.bottom - PLOT.top);
  const parts: string[] = [
    `<svg id="${escapeHtml(chart.id)}" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img">`,
    `<title>${escapeHtml(chart.title)}</title>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="${chart.background}"/>`,
    ...yGrid(top, y),
    ...xLabels(chart, x),
    ...legend(chart.lines),
  ];
  for (const line of chart.lines) {
    const points = chart.times.map((time, i) => `${fixed(x(time))},${fixed(y(line.values[i] ?? 0))}`);
    parts.push(`<polyline data-line="${escapeHtml(line.label)}" fill="none" stroke="${line.colour}" stroke-width="3" stroke-linejoin="round" points="${points.join(' ')}"/>`);
    if (points.length <= MAX_DOTS) {
      for (const point of points) {
        const [cx, cy] = point.split(',');
        parts.push(`<circle cx="${cx}" cy="${cy}" r="3.5" fill="${line.colour}"/>`);
      }
    }
  }
  parts.push('</svg>');
  return parts.join('\n');
}

function yGrid(top: number, y: (value: number) => number): string[] {
  const out: string[] = [];
  for (let i = 0; i <= Y_TICKS; i++) {
    const value = (top * i) / Y_TICKS;
    const at = fixed(y(value));
    out.push(`<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${at}" y2="${at}" stroke="${GRID_COLOUR}" stroke-width="1"/>`);
    out.push(`<text x="${PLOT.left - 6}" y="${at}" dy="4" text-anchor="end" font-size="11" fill="${AXIS_TEXT_COLOUR}">${formatFigure(value)}</text>`);
  }
  return out;
}

function xLabels(chart: TimeChart, x: (time: number) => number): string[] {
  const out: string[] = [];
  const spanMillis = chart.toMillis - chart.fromMillis;
  // Under ten minutes, whole minutes would repeat: label in seconds.
  const [unit, unitMillis] = spanMillis < 600_000 ? ['s', 1000] : ['min', 60_000];
  for (let i = 0; i <= 4; i++) {
    const time = chart.fromMillis + (spanMillis * i) / 4;
    const ago = Math.round((spanMillis * (1 - i / 4)) / unitMillis);
    const text = ago === 0 ? 'now' : `-${ago} ${unit}`;
    out.push(`<text x="${fixed(x(time))}" y="${PLOT.bottom + 18}" text-anchor="middle" font-size="11" fill="${AXIS_TEXT_COLOUR}">${text}</text>`);
  }
  return out;
}

function legend(lines: readonly ChartLine[]): string[] {
  const out: string[] = [];
  let left = PLOT.left;
  for (const line of lines) {
    out.push(`<rect x="${left}" y="10" width="14" height="4" fill="${line.colour}"/>`);
    out.push(`<text x="${left + 20}" y="16" font-size="12" fill="${AXIS_TEXT_COLOUR}">${escapeHtml(line.label)}</text>`);
    left += 28 + 7 * line.label.length;
  }
  return out;
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

function fixed(value: number): string {
  return String(Math.round(value * 10) / 10);
}
