import { prometheusName, type MetricSample } from './metric-sample.js';
import { sortedLabels } from './sample-check.js';

/** The content type of the Prometheus text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** A label value inside double quotes: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\\' ? '\\\\' : c === '"' ? '\\"' : '\\n'));
}

/** A HELP text: backslash and line feed escaped (quotes stay as they are). */
export function escapeHelp(help: string): string {
  return help.replace(/[\\\n]/g, (c) => (c === '\\' ? '\\\\' : '\\n'));
}

/**
 * Writes checked samples (see `checkSamples`) in the text exposition format
 * 0.0.4: one `# HELP` and one `# TYPE` line per metric, then its samples,
 * all samples of a metric together, metrics in the order they first appear.
 * The help text of a metric is the one of its first sample.
 */
export function formatExposition(samples: readonly MetricSample[]): string {
  const families = new Map<string, { header: string; lines: string[] }>();
  for (const sample of samples) {
    const name = prometheusName(sample);
    let family = families.get(name);
    if (family === undefined) {
      family = { header: `# HELP ${name} ${escapeHelp(sample.help)}\n# TYPE ${name} ${sample.type}\n`, lines: [] };
      families.set(name, family);
    }
    family.lines.push(`${name}${formatLabels(sample)} ${formatValue(sample.value)}\n`);
  }
  let text = '';
  for (const family of families.values()) text += family.header + family.lines.join('');
  return text;
}

function formatLabels(sample: MetricSample): string {
  const labels = sortedLabels(sample);
  if (labels.length === 0) return '';
  return `{${labels.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

// Checked values are finite; JavaScript's shortest round-trip form (1e+21 included) parses in Prometheus.
function formatValue(value: number): string {
  return Object.is(value, -0) ? '0' : String(value);
}
