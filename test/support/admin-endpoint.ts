/** One sample of a Prometheus text exposition: name, labels and value. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const ADMIN_TIMEOUT_MILLIS = 5_000;

/** The status of `GET <adminUrl><path>` (`/healthz`, `/readyz`). */
export async function adminStatus(adminUrl: string, path: string): Promise<number> {
  const res = await fetch(`${adminUrl}${path}`, { signal: AbortSignal.timeout(ADMIN_TIMEOUT_MILLIS) });
  await res.arrayBuffer();
  return res.status;
}

/** Scrapes `<adminUrl>/metrics` and parses it; fails unless the answer is 200. */
export async function scrapeMetrics(adminUrl: string): Promise<MetricSample[]> {
  const res = await fetch(`${adminUrl}/metrics`, { signal: AbortSignal.timeout(ADMIN_TIMEOUT_MILLIS) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${adminUrl}/metrics answered ${res.status}: ${text.slice(0, 500)}`);
  return parsePrometheusText(text);
}

/**
 * The sum of every sample named `name` whose labels include `labels`
 * (0 when none matches, as an untouched counter would read).
 */
export function metricTotal(samples: readonly MetricSample[], name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const sample of samples) {
    if (sample.name !== name) continue;
    if (Object.entries(labels).every(([key, value]) => sample.labels[key] === value)) total += sample.value;
  }
  return total;
}

/** Names of every sample, for messages that say what was there instead. */
export function metricNames(samples: readonly MetricSample[]): string[] {
  return [...new Set(samples.map((s) => s.name))].sort();
}

/**
 * Parses the Prometheus text format (version 0.0.4): comment lines are
 * skipped, label values unescaped (`\\`, `\"`, `\n`), an optional timestamp
 * after the value ignored.
 */
export function parsePrometheusText(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    let name: string;
    let labels: Record<string, string> = {};
    let rest: string;
    if (brace !== -1 && (space === -1 || brace < space)) {
      name = line.slice(0, brace);
      const close = labelsEnd(line, brace);
      labels = parseLabels(line.slice(brace + 1, close));
      rest = line.slice(close + 1).trim();
    } else {
      name = line.slice(0, space);
      rest = line.slice(space + 1).trim();
    }
    samples.push({ name, labels, value: parseSampleValue(rest.split(/\s+/)[0]) });
  }
  return samples;
}

function parseSampleValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** Index of the `}` closing the label set opened at `open`, skipping quoted values. */
function labelsEnd(line: string, open: number): number {
  let quoted = false;
  for (let i = open + 1; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === '}') return i;
  }
  throw new Error(`unterminated label set in "${line}"`);
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pattern = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    labels[match[1]] = match[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}
