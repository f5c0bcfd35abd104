import type { InstrumentationScope, KeyValue, Metric, Resource } from '@otel-dp/otlp';
import { attributesKey, withoutAttribute } from './attributes.js';

/** Where a group of points came from, with the token attribute already removed. */
export interface ResourceContext {
  key: string;
  attributes: KeyValue[];
  schemaUrl: string;
}

export interface ScopeContext {
  key: string;
  name: string;
  version: string;
  attributes: KeyValue[];
  schemaUrl: string;
}

export interface MetricContext {
  key: string;
  name: string;
  description: string;
  unit: string;
  isMonotonic: boolean;
}

/**
 * Everything needed to write one output series: its identity without the
 * token. Series keys are the partitions of the DP release.
 */
export interface SeriesDescriptor {
  key: string;
  resource: ResourceContext;
  scope: ScopeContext;
  metric: MetricContext;
  attributes: KeyValue[];
}

function lengthPrefixed(text: string): string {
  return `${text.length}:${text}`;
}

export function resourceContext(resource: Resource | undefined, schemaUrl: string, tokenAttribute: string): ResourceContext {
  const attributes = withoutAttribute(resource?.attributes ?? [], tokenAttribute);
  return { key: `R${lengthPrefixed(schemaUrl)}${attributesKey(attributes)}`, attributes, schemaUrl };
}

export function scopeContext(scope: InstrumentationScope | undefined, schemaUrl: string, tokenAttribute: string): ScopeContext {
  const name = scope?.name ?? '';
  const version = scope?.version ?? '';
  const attributes = withoutAttribute(scope?.attributes ?? [], tokenAttribute);
  const key = `S${lengthPrefixed(name)}${lengthPrefixed(version)}${lengthPrefixed(schemaUrl)}${attributesKey(attributes)}`;
  return { key, name, version, attributes, schemaUrl };
}

/** Identity of a sum metric per the data model: name, unit, monotonicity (description is not identifying). */
export function sumMetricContext(metric: Metric, isMonotonic: boolean): MetricContext {
  const key = `M${lengthPrefixed(metric.name)}${lengthPrefixed(metric.unit)}${isMonotonic ? '+' : '~'}`;
  return { key, name: metric.name, description: metric.description, unit: metric.unit, isMonotonic };
}

/** The prefix shared by every series of one metric in one resource and scope. */
export function metricPrefix(resource: ResourceContext, scope: ScopeContext, metric: MetricContext): string {
  return `${lengthPrefixed(resource.key)}${lengthPrefixed(scope.key)}${lengthPrefixed(metric.key)}`;
}
