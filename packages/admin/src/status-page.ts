import { fieldName, type AdminSettingName } from './config.js';
import { displayConfigValue, type ConfigValue } from './config-display.js';
import { escapeHtml, formatFigure } from './html.js';
import { renderTimeChart } from './svg-chart.js';
import type { WindowEvent } from './window-history.js';

/** How one exporter is doing, for the status page. */
export interface ExporterHealth {
  /** The exporter's name, e.g. `otlp`. */
  name: string;
  healthy: boolean;
  /** One line for people, e.g. `last batch sent 3 s ago` or the last error's code. */
  detail: string;
}

/** Everything the status page shows, read at the moment of the request. */
export interface StatusPageInput {
  nowMillis: number;
  /** The start of the charts' time range. */
  fromMillis: number;
  ready: boolean;
  configInEffect: Readonly<Record<string, ConfigValue>>;
  /** Windows that ended since `fromMillis`, oldest first. */
  windows: readonly WindowEvent[];
  /** Undefined when the health could not be read. */
  exporters: readonly ExporterHealth[] | undefined;
  /** What the page calls the processor's settings it points to; default their field names. */
  settingName?: AdminSettingName;
}

/** Seconds between reloads of the page (`<meta http-equiv="refresh">`). */
export const STATUS_REFRESH_SECONDS = 10;

/**
 * Chart colours. Each is used by one line only, so a screenshot can tell
 * where that line was drawn; `EPSILON_PER_WINDOW_BACKGROUND` likewise marks
 * the area of its chart.
 */
export const CHART_COLOURS = Object.freeze({
  epsilonPerWindow: '#e0218a',
  epsilonPerWindowBackground: '#fdf2f8',
  epsilonHorizon: '#2b6cb0',
  released: '#2f855a',
  suppressed: '#b7791f',
  background: '#f7fafc',
});

const STYLE = `
body { font-family: system-ui, sans-serif; color: #1a202c; background: #ffffff; margin: 16px 24px; max-width: 800px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 20px 0 6px; }
p { margin: 4px 0; }
svg { display: block; margin: 8px 0 12px; }
.note { color: #4a5568; font-size: 13px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #e2e8f0; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #edf2f7; }
.ok { color: #276749; font-weight: 600; }
.failing { color: #9b2c2c; font-weight: 600; }
`;

/**
 * The status page: readiness, the privacy budget spent per window over the
 * last hour and over the horizon, series released and suppressed per window,
 * exporter health and the configuration in effect (secrets hidden). Plain
 * HTML with inline SVG: no script, no external asset.
 */
export function renderStatusPage(input: StatusPageInput): string {
  const windows = input.windows;
  const latest = windows.at(-1);
  const times = windows.map((event) => event.windowEndMillis);
  const range = { fromMillis: input.fromMillis, toMillis: input.nowMillis, times };
  const chart = (id: string, title: string, background: string, lines: Array<{ label: string; colour: string; values: number[] }>): string =>
    renderTimeChart({ id, title, background, ...range, lines });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="${STATUS_REFRESH_SECONDS}">
<title>otel-dp status</title>
<style>${STYLE}</style>
</head>
<body>
<h1>otel-dp</h1>
<p id="readiness">${input.ready ? '<span class="ok">ready</span>' : '<span class="failing">not ready</span>'} · ${escapeHtml(new Date(input.nowMillis).toISOString())}</p>
<p class="note">Every figure on this page is an exact sum over all tokens and is not privatized: keep the admin endpoint on loopback.</p>
<h2>Privacy budget</h2>
<p id="window-summary">${windowSummary(windows, input.nowMillis - input.fromMillis, latest)}</p>
${chart('epsilon-per-window', `ε spent per window over the last ${formatSpan(input.nowMillis - input.fromMillis)}`, CHART_COLOURS.epsilonPerWindowBackground, [
  { label: 'ε per window', colour: CHART_COLOURS.epsilonPerWindow, values: windows.map((event) => event.windowEpsilon) },
])}
${chart('epsilon-horizon', "ε spent over the accountant's horizon", CHART_COLOURS.background, [
  { label: 'ε spent over the horizon', colour: CHART_COLOURS.epsilonHorizon, values: windows.map((event) => event.epsilonSpent) },
])}
<h2>Series per window</h2>
<p id="waiting">${waitingSummary(latest, input.settingName ?? fieldName)}</p>
${chart('series-per-window', 'Series released and suppressed per window', CHART_COLOURS.background, [
  { label: 'released', colour: CHART_COLOURS.released, values: windows.map((event) => event.released) },
  { label: 'suppressed', colour: CHART_COLOURS.suppressed, values: windows.map((event) => event.suppressed) },
])}
<h2>Exporters</h2>
${exporterTable(input.exporters)}
<h2>Configuration in effect</h2>
${configTable(input.configInEffect)}
</body>
</html>
`;
}

/**
 * Released, sent and withheld are different things: every released window
 * spends its ε, but one with nothing to say (no series released or held
 * back) is not sent to the exporters; a withheld window spends nothing.
 */
function windowSummary(windows: readonly WindowEvent[], spanMillis: number, latest: WindowEvent | undefined): string {
  const span = formatSpan(spanMillis);
  if (latest === undefined) return `No window has closed in the last ${span}.`;
  const released = windows.filter((event) => !event.withheld);
  const sent = released.filter((event) => event.released > 0 || event.suppressed > 0).length;
  const withheld = windows.length - released.length;
  const remaining = latest.epsilonRemaining === undefined ? 'no cap set' : `${formatFigure(latest.epsilonRemaining)} remaining`;
  const stopped = withheld === 0 ? '' : `; ${withheld} withheld by the budget cap (nothing spent, nothing sent)`;
  const empty = released.length - sent;
  const unsent = empty === 0 ? '' : ` (${empty} empty: they spend their ε but are not sent)`;
  return (
    `${windows.length} windows closed in the last ${span}: ${released.length} released, ${sent} sent to the exporters${unsent}${stopped}. ` +
    `Latest: ε ${formatFigure(latest.windowEpsilon)}, ${latest.released} series released, ${latest.suppressed} suppressed; ` +
    `horizon ε ${formatFigure(latest.epsilonSpent)} spent, ${remaining}.`
  );
}

/** `hour` (the default span), `20 min`, `120 s`. */
function formatSpan(millis: number): string {
  if (millis === 3_600_000) return 'hour';
  return millis >= 600_000 ? `${formatFigure(Math.round(millis / 60_000))} min` : `${formatFigure(Math.round(millis / 1000))} s`;
}

/** Why series are held back: per metric, the latest window's series not released, and what selection needs. */
function waitingSummary(latest: WindowEvent | undefined, settingName: AdminSettingName): string {
  if (latest === undefined || latest.waiting === undefined || latest.waiting.length === 0) return 'No series waiting for partition selection in the latest window.';
  const counts = latest.waiting.map((entry) => `${escapeHtml(entry.metric)}: ${entry.series}`).join(', ');
  const needs =
    latest.selection === undefined
      ? `Undeclared series are never released (${escapeHtml(settingName('undeclaredSeries'))} drop); declare them with ${escapeHtml(settingName('publicAttributes'))}.`
      : `A new series is released once its distinct tokens in one window, plus noise (σ ${formatFigure(latest.selection.stdDev)}), reach ${formatFigure(latest.selection.threshold)} (otel-dp plan prints the same).`;
  return `Series waiting for partition selection in the latest window, per metric: ${counts}. ${needs}`;
}

function exporterTable(exporters: readonly ExporterHealth[] | undefined): string {
  if (exporters === undefined) return '<p id="exporters" class="failing">Exporter health could not be read.</p>';
  if (exporters.length === 0) return '<p id="exporters">No exporter.</p>';
  const rows = exporters.map(
    (exporter) =>
      `<tr><td>${escapeHtml(String(exporter.name))}</td>` +
      `<td>${exporter.healthy ? '<span class="ok">healthy</span>' : '<span class="failing">failing</span>'}</td>` +
      `<td>${escapeHtml(String(exporter.detail))}</td></tr>`,
  );
  return `<table id="exporters">\n<tr><th>Exporter</th><th>State</th><th>Detail</th></tr>\n${rows.join('\n')}\n</table>`;
}

function configTable(config: Readonly<Record<string, ConfigValue>>): string {
  const rows = Object.entries(config).map(
    ([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(displayConfigValue(key, value))}</td></tr>`,
  );
  if (rows.length === 0) return '<p id="config">No configuration given.</p>';
  return `<table id="config">\n${rows.join('\n')}\n</table>`;
}
