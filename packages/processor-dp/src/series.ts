import type { InstrumentationScope, KeyValue, Metric, Resource } from '@otel-dp/otlp';
import { attributesKey } from './attributes.js';
import type { SeriesLayout } from './kinds/layout.js';

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
  /** The name of its kind (see `kinds/registry.ts`). */
  kind: string;
  name: string;
  description: string;
  unit: string;
  /** Sums only. */
  isMonotonic: boolean;
  /** How its series are bounded, noised and written. */
  layout: SeriesLayout;
}

/**
 * Everything needed to write one output series: its identity without the
 * token. Series keys are the partitions of the DP release.
 */
export interface SeriesDescriptor {
  /** Windows index entries by this number; unique among the descriptors alive in one window. */
  id: number;
  key: string;
  /** The part of the key shared by every series of its metric in its resource and scope. */
  prefix: string;
  resource: ResourceContext;
  scope: ScopeContext;
  metric: MetricContext;
  attributes: KeyValue[];
  /** Built only from declared public values: released without partition selection. */
  declaredPublic: boolean;
}

function lengthPrefixed(text: string): string {
  return `${text.length}:${text}`;
}

/** `attributes` must already be filtered: no token, nothing the attribute policy removes. */
export function resourceContext(resource: Resource | undefined, attributes: KeyValue[], schemaUrl: string): ResourceContext {
  return { key: `R${lengthPrefixed(schemaUrl)}${attributesKey(attributes)}`, attributes, schemaUrl };
}

/** `attributes` must already be filtered, as for {@link resourceContext}. */
export function scopeContext(scope: InstrumentationScope | undefined, attributes: KeyValue[], schemaUrl: string): ScopeContext {
  const name = scope?.name ?? '';
  const version = scope?.version ?? '';
  const key = `S${lengthPrefixed(name)}${lengthPrefixed(version)}${lengthPrefixed(schemaUrl)}${attributesKey(attributes)}`;
  return { key, name, version, attributes, schemaUrl };
}

/**
 * Identity of a metric per the data model: name, unit, type, monotonicity.
 * Histogram bucket bounds (only explicit-bucket histograms have them) are
 * added so that only series with one layout are aggregated together. The
 * description is added too, though the data model does not count it: it is released with the series, so it must be part of
 * the partition that selection decides on, or the first token to send a
 * metric would choose a string every later release carries.
 */
export function metricIdentity(metric: Metric, kind: string, isMonotonic: boolean, explicitBounds: readonly number[] = []): string {
  const bounds = explicitBounds.join(',');
  return `M${lengthPrefixed(metric.name)}${lengthPrefixed(metric.unit)}${lengthPrefixed(metric.description)}${kind}${isMonotonic ? '+' : '~'}${bounds}`;
}

/** The prefix shared by every series of one metric in one resource and scope. */
export function metricPrefix(resource: ResourceContext, scope: ScopeContext, metric: MetricContext): string {
  return `${lengthPrefixed(resource.key)}${lengthPrefixed(scope.key)}${lengthPrefixed(metric.key)}`;
}
