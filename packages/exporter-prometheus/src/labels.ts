import type { AnyValue, KeyValue } from '@otel-dp/otlp';

/**
 * An attribute key as a Prometheus label name, as the specification's
 * "Metric Attributes" says: characters outside [a-zA-Z0-9_] become `_`,
 * runs of `_` become one; a leading digit gets the collector's `key_`
 * prefix. "" when nothing is left.
 */
export function sanitizeLabelName(key: string): string {
  const name = key.replace(/[^a-zA-Z0-9_]/g, '_').replace(/_{2,}/g, '_');
  if (name === '' || name === '_') return '';
  return /^[0-9]/.test(name) ? `key_${name}` : name;
}

/**
 * An attribute value as label text, after the attribute specification:
 * strings as they are, booleans and integers in decimal, doubles as
 * JavaScript prints them, byte strings in base64, arrays and maps as JSON.
 */
export function attributeValueText(value: AnyValue): string {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return String(value.boolValue);
  if (value.intValue !== undefined) return value.intValue.toString();
  if (value.doubleValue !== undefined) return formatFloat(value.doubleValue);
  if (value.bytesValue !== undefined) return Buffer.from(value.bytesValue.buffer, value.bytesValue.byteOffset, value.bytesValue.byteLength).toString('base64');
  if (value.arrayValue !== undefined || value.kvlistValue !== undefined) return JSON.stringify(toJsonValue(value));
  return '';
}

/** A float as Prometheus prints it in `le` and `quantile`: `+Inf`, `-Inf`, `NaN`, or the shortest decimal. */
export function formatFloat(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/**
 * Attributes as labels. Keys that sanitize to the same name have their
 * values joined with `;` in the order of the original keys, as the
 * specification requires. Empty values are left out: Prometheus reads an
 * empty label as an absent one.
 */
export function attributeLabels(attributes: readonly KeyValue[], into: Map<string, string> = new Map()): Map<string, string> {
  const sorted = attributes.length < 2 ? attributes : [...attributes].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const fromAttributes = new Set<string>();
  for (const { key, value } of sorted) {
    const name = sanitizeLabelName(key);
    const text = attributeValueText(value);
    if (name === '' || text === '') continue;
    const earlier = fromAttributes.has(name) ? into.get(name) : undefined;
    into.set(name, earlier === undefined ? text : `${earlier};${text}`);
    fromAttributes.add(name);
  }
  return into;
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

function toJsonValue(value: AnyValue): JsonValue {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number.isSafeInteger(Number(value.intValue)) ? Number(value.intValue) : value.intValue.toString();
  if (value.doubleValue !== undefined) return Number.isFinite(value.doubleValue) ? value.doubleValue : formatFloat(value.doubleValue);
  if (value.bytesValue !== undefined) return attributeValueText(value);
  if (value.arrayValue !== undefined) return value.arrayValue.values.map(toJsonValue);
  if (value.kvlistValue !== undefined) return Object.fromEntries(value.kvlistValue.values.map((kv) => [kv.key, toJsonValue(kv.value)]));
  return null;
}
