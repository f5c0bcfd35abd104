/**
 * Columns as wide as their header, their widest cell and `minWidths`, so
 * tables printed one after another line up whenever their numbers fit the
 * minimum. The first column is left-aligned, the numbers right-aligned.
 */
export function textTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, minWidths: readonly number[] = []): string {
  const widths = header.map((title, column) => Math.max(title.length, minWidths[column] ?? 0, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]): string =>
    `  ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ')}`.trimEnd() + '\n';
  return line(header) + rows.map(line).join('');
}
