import type { AnyValue, KeyValue } from '@otel-dp/otlp';

/**
 * The token carried by `key` in `attributes`, as a string, or undefined.
 * Only non-empty strings and integers count as tokens; anything else is
 * treated as untokened (fail closed).
 */
export function tokenIn(attributes: readonly KeyValue[], key: string): string | undefined {
  for (let i = 0; i < attributes.length; i++) {
    const attribute = attributes[i];
    if (attribute.key !== key) continue;
    const value = attribute.value;
    if (value.stringValue !== undefined) return value.stringValue === '' ? undefined : value.stringValue;
    if (value.intValue !== undefined) return value.intValue.toString();
    return undefined;
  }
  return undefined;
}

/** `attributes` without `key`; the same array when `key` is absent, so the common case allocates nothing. */
export function withoutAttribute(attributes: KeyValue[], key: string): KeyValue[] {
  for (let i = 0; i < attributes.length; i++) {
    if (attributes[i].key === key) return attributes.filter((attribute) => attribute.key !== key);
  }
  return attributes;
}

/**
 * A canonical string for an attribute set, independent of order, leaving out
 * the attribute named `skipKey` (the token). Keys and string values are
 * length-prefixed so no choice of characters can make two different sets
 * collide.
 */
export function attributesKey(attributes: readonly KeyValue[], skipKey?: string): string {
  const parts: string[] = [];
  for (let i = 0; i < attributes.length; i++) {
    if (attributes[i].key !== skipKey) parts.push(pairKey(attributes[i]));
  }
  if (parts.length > 1) parts.sort();
  return parts.join('');
}

function pairKey(attribute: KeyValue): string {
  return `${attribute.key.length}:${attribute.key}${valueKey(attribute.value)}`;
}

function valueKey(value: AnyValue): string {
  if (value.stringValue !== undefined) return `s${value.stringValue.length}:${value.stringValue}`;
  if (value.intValue !== undefined) return `i${value.intValue};`;
  if (value.doubleValue !== undefined) return `d${value.doubleValue};`;
  if (value.boolValue !== undefined) return value.boolValue ? 'T' : 'F';
  if (value.arrayValue !== undefined) return `a${value.arrayValue.values.length}[${value.arrayValue.values.map(valueKey).join('')}]`;
  if (value.kvlistValue !== undefined) return `k${value.kvlistValue.values.length}{${attributesKey(value.kvlistValue.values)}}`;
  if (value.bytesValue !== undefined) return `b${Buffer.from(value.bytesValue).toString('base64')};`;
  return 'n';
}
