import type { Spread } from './stats.js';

/** A Markdown table; cells are escaped for pipes. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** `median [min–max]` with `format` applied to each; just the value for a single run; `n/a` when nothing was measured. */
export function formatSpread(spread: Spread, format: (value: number) => string = formatNumber): string {
  if (spread.runs === 0 || !Number.isFinite(spread.median)) return 'n/a';
  if (spread.runs === 1 || spread.min === spread.max) return format(spread.median);
  return `${format(spread.median)} [${format(spread.min)}–${format(spread.max)}]`;
}

export function formatMillis(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function formatRatio(value: number): string {
  return value.toFixed(2);
}

/** A share (0.123) as a whole percentage ("12 %"). */
export function formatPercent(value: number): string {
  return `${(value * 100).toFixed(0)} %`;
}

/** Bytes as whole mebibytes, the unit going in the column header. */
export function formatMegabytes(bytes: number): string {
  return Number.isFinite(bytes) ? (bytes / (1024 * 1024)).toFixed(0) : 'n/a';
}

export function formatBytes(value: number): string {
  return value.toFixed(0);
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
