import type { ExportMetricsServiceRequest, KeyValue, Metric } from '@otel-dp/otlp';

/** 2024-05-01T12:01:00Z in nanoseconds. */
export const END_NANOS = 1_714_564_860_000_000_000n;
export const END_MILLIS = 1_714_564_860_000n;
const START_NANOS = END_NANOS - 60_000_000_000n;

export function attribute(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}

/** A metric with the fields a decoder fills; `data` holds exactly one of gauge, sum, histogram… */
export function metric(name: string, unit: string, data: Partial<Metric>): Metric {
  return { name, description: '', unit, metadata: [], ...data };
}

export function numberPoint(value: number | bigint, attributes: KeyValue[] = [], timeUnixNano = END_NANOS, flags = 0) {
  return {
    attributes,
    startTimeUnixNano: START_NANOS,
    timeUnixNano,
    ...(typeof value === 'bigint' ? { asInt: value } : { asDouble: value }),
    exemplars: [],
    flags,
  };
}

export function histogramPoint(bucketCounts: bigint[], explicitBounds: number[], sum: number | undefined, attributes: KeyValue[] = []) {
  return {
    attributes,
    startTimeUnixNano: START_NANOS,
    timeUnixNano: END_NANOS,
    count: bucketCounts.reduce((total, count) => total + count, 0n),
    sum,
    bucketCounts,
    explicitBounds,
    exemplars: [],
    flags: 0,
  };
}

/** One resource (service shop/api, instance i-1, environment prod), one scope, the given metrics. */
export function requestOf(metrics: Metric[], resource: KeyValue[] = defaultResource()): ExportMetricsServiceRequest {
  return {
    resourceMetrics: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeMetrics: [{ scope: { name: 'otel-dp', version: '0.1.0', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', metrics }],
      },
    ],
  };
}

export function defaultResource(): KeyValue[] {
  return [attribute('service.name', 'api'), attribute('service.namespace', 'shop'), attribute('service.instance.id', 'i-1'), attribute('deployment.environment', 'prod')];
}
