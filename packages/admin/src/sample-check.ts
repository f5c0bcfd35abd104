import { mustHideValue } from './credential-shape.js';
import { prometheusName, type MetricSample } from './metric-sample.js';

/** Longest label value kept, in UTF-16 code units: vocabulary words are short, data need not be. */
export const MAX_LABEL_VALUE_LENGTH = 64;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
// Names starting with two underscores are reserved by Prometheus.
const LABEL_NAME = /^(?!__)[a-zA-Z_][a-zA-Z0-9_]*$/;
// The exposition format escapes a line feed; it has no escape for other control characters.
const UNESCAPABLE_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;

/**
 * A sample left out, and why. `metric` is the sample's name when it is a
 * valid metric name, else `(invalid name)`; neither field ever holds a label
 * value, so both are safe to log.
 */
export interface DroppedSample {
  metric: string;
  reason: string;
}

/** The samples fit to publish, in their first order, and those left out. */
export interface CheckedSamples {
  kept: MetricSample[];
  dropped: DroppedSample[];
}

/**
 * Keeps the samples that are valid and safe to publish: a valid name and
 * type, a finite value (at least 0 for a counter), valid label names, label
 * values that are short, free of unescapable control characters and not
 * shaped like a credential. Within one read, a name keeps the type it first
 * had, under its own spelling and under the one `/metrics` publishes (see
 * {@link prometheusName}): later samples of another type are dropped. A
 * series (published name and labels) is kept once.
 */
export function checkSamples(samples: readonly MetricSample[]): CheckedSamples {
  const kept: MetricSample[] = [];
  const dropped: DroppedSample[] = [];
  const typeOfName = new Map<string, MetricSample['type']>();
  const seenSeries = new Set<string>();
  for (const sample of samples) {
    const problem = sampleProblem(sample);
    if (problem !== undefined) {
      dropped.push({ metric: typeof sample?.name === 'string' && METRIC_NAME.test(sample.name) ? sample.name : '(invalid name)', reason: problem });
      continue;
    }
    const published = prometheusName(sample);
    const firstType = typeOfName.get(sample.name) ?? typeOfName.get(published);
    if (firstType !== undefined && firstType !== sample.type) {
      dropped.push({ metric: sample.name, reason: `is a ${sample.type} here and a ${firstType} in an earlier sample` });
      continue;
    }
    const series = seriesKey(published, sample);
    if (seenSeries.has(series)) {
      dropped.push({ metric: sample.name, reason: 'repeats a series (same labels) of an earlier sample' });
      continue;
    }
    typeOfName.set(sample.name, sample.type);
    typeOfName.set(published, sample.type);
    seenSeries.add(series);
    kept.push(sample);
  }
  return { kept, dropped };
}

/** What is wrong with one sample, in words that never repeat a label value. */
function sampleProblem(sample: MetricSample): string | undefined {
  if (typeof sample !== 'object' || sample === null) return 'is not an object';
  if (typeof sample.name !== 'string' || !METRIC_NAME.test(sample.name)) return 'has an invalid metric name';
  if (sample.type !== 'counter' && sample.type !== 'gauge') return "has a type other than 'counter' or 'gauge'";
  if (typeof sample.help !== 'string') return 'has no help text';
  if (typeof sample.value !== 'number' || !Number.isFinite(sample.value)) return 'has a value that is not a finite number';
  if (sample.type === 'counter' && sample.value < 0) return 'is a counter with a negative value';
  if (sample.labels === undefined) return undefined;
  if (typeof sample.labels !== 'object' || sample.labels === null) return 'has labels that are not an object';
  for (const [name, value] of Object.entries(sample.labels)) {
    if (!LABEL_NAME.test(name)) return 'has an invalid label name';
    if (typeof value !== 'string') return `has label ${name} with a value that is not a string`;
    if (value.length > MAX_LABEL_VALUE_LENGTH) return `has label ${name} with a value longer than ${MAX_LABEL_VALUE_LENGTH} characters`;
    if (UNESCAPABLE_CONTROL.test(value)) return `has label ${name} with a control character in its value`;
    if (mustHideValue(value)) return `has label ${name} with a value shaped like a credential`;
  }
  return undefined;
}

/** The labels of a sample sorted by name, the order `/metrics` writes them in. */
export function sortedLabels(sample: MetricSample): Array<[string, string]> {
  if (sample.labels === undefined) return [];
  return Object.entries(sample.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

// Neither names nor checked label values hold NUL, so it separates the parts without ambiguity.
function seriesKey(published: string, sample: MetricSample): string {
  return [published, ...sortedLabels(sample).flat()].join('\u0000');
}
