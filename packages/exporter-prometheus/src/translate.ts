import type { ExportMetricsServiceRequest, KeyValue } from '@otel-dp/otlp';
import { attributeLabels, attributeValueText } from './labels.js';
import { translateMetric, type DropReason, type SampleSink } from './translate-metric.js';
import type { Label, TimeSeries, WriteRequest } from './write-request.js';

export interface TranslationOptions {
  /** Add `otel_scope_name` and `otel_scope_version` to every series (the specification's default). */
  scopeLabels: boolean;
  /** Copy every resource attribute onto every series (the collector's `resource_to_telemetry_conversion`). */
  resourceToLabels: boolean;
}

export interface Translation {
  request: WriteRequest;
  /** OTLP data points left out, by reason. */
  droppedPoints: Map<DropReason, number>;
  /** Samples that repeated a series and timestamp already in the request; the last one was kept. */
  duplicateSamples: number;
}

const SERVICE_NAME = 'service.name';
const SERVICE_NAMESPACE = 'service.namespace';
const SERVICE_INSTANCE_ID = 'service.instance.id';
const NANOS_PER_MILLI = 1_000_000n;

/**
 * An OTLP request as a remote-write request. Resources become `job`
 * (`service.namespace/service.name`) and `instance` (`service.instance.id`)
 * labels, and their other attributes one `target_info` series per resource
 * (value 1, at the resource's latest sample), as the collector's
 * prometheusremotewrite exporter does. Series with the same labels are
 * merged; labels are sorted by name and samples by time, as remote write
 * requires.
 */
export function toWriteRequest(request: ExportMetricsServiceRequest, options: TranslationOptions): Translation {
  const collector = new SeriesCollector();
  for (const resourceMetrics of request.resourceMetrics) {
    const attributes = resourceMetrics.resource?.attributes ?? [];
    const identity = targetLabels(attributes);
    const resourceLabels = options.resourceToLabels ? attributeLabels(attributes) : new Map<string, string>();
    let latest: bigint | undefined;
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      const fixed = new Map(identity);
      if (options.scopeLabels && scopeMetrics.scope !== undefined) {
        if (scopeMetrics.scope.name !== '') fixed.set('otel_scope_name', scopeMetrics.scope.name);
        if (scopeMetrics.scope.version !== '') fixed.set('otel_scope_version', scopeMetrics.scope.version);
      }
      const sink: SampleSink = {
        labelsFor(pointAttributes) {
          const labels = attributeLabels(pointAttributes, new Map(resourceLabels));
          for (const [name, value] of fixed) labels.set(name, value);
          return labels;
        },
        add(labels, name, value, stale, timeUnixNano) {
          if (latest === undefined || timeUnixNano > latest) latest = timeUnixNano;
          collector.add(labels, name, value, stale, timeUnixNano / NANOS_PER_MILLI);
        },
        drop(reason, points) {
          collector.droppedPoints.set(reason, (collector.droppedPoints.get(reason) ?? 0) + points);
        },
      };
      for (const metric of scopeMetrics.metrics) translateMetric(metric, sink);
    }
    const info = targetInfoLabels(attributes, identity);
    if (info !== undefined && latest !== undefined) collector.add(info, 'target_info', 1, false, latest / NANOS_PER_MILLI);
  }
  return collector.finish();
}

/** `job` and `instance` from the service attributes; absent ones are left out (an empty label is no label). */
function targetLabels(attributes: readonly KeyValue[]): Map<string, string> {
  const labels = new Map<string, string>();
  const name = textOf(attributes, SERVICE_NAME);
  const namespace = textOf(attributes, SERVICE_NAMESPACE);
  if (name !== '') labels.set('job', namespace === '' ? name : `${namespace}/${name}`);
  const instance = textOf(attributes, SERVICE_INSTANCE_ID);
  if (instance !== '') labels.set('instance', instance);
  return labels;
}

/** The labels of `target_info`: job, instance and every other resource attribute; undefined when there is no other. */
function targetInfoLabels(attributes: readonly KeyValue[], identity: Map<string, string>): Map<string, string> | undefined {
  const others = attributes.filter(({ key }) => key !== SERVICE_NAME && key !== SERVICE_NAMESPACE && key !== SERVICE_INSTANCE_ID);
  if (others.length === 0) return undefined;
  const labels = attributeLabels(others);
  for (const [name, value] of identity) labels.set(name, value);
  return labels;
}

function textOf(attributes: readonly KeyValue[], key: string): string {
  const found = attributes.find((attribute) => attribute.key === key);
  return found === undefined ? '' : attributeValueText(found.value);
}

/** Groups samples by label set. */
class SeriesCollector {
  readonly droppedPoints = new Map<DropReason, number>();
  private readonly series = new Map<string, TimeSeries>();

  add(labels: Map<string, string>, name: string, value: number, stale: boolean, timestampMillis: bigint): void {
    const sorted: Label[] = [{ name: '__name__', value: name }];
    for (const [labelName, labelValue] of labels) if (labelName !== '__name__') sorted.push({ name: labelName, value: labelValue });
    sorted.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // Sanitized names hold no "=" and each value carries its length, so no two label sets share a key.
    let key = '';
    for (const label of sorted) key += `${label.name}=${label.value.length}:${label.value}`;
    let series = this.series.get(key);
    if (series === undefined) {
      series = { labels: sorted, samples: [] };
      this.series.set(key, series);
    }
    series.samples.push(stale ? { value: Number.NaN, timestampMillis, stale: true } : { value, timestampMillis });
  }

  finish(): Translation {
    let duplicateSamples = 0;
    const timeseries = [...this.series.values()];
    for (const series of timeseries) {
      if (series.samples.length < 2) continue;
      // Stable sort keeps arrival order among equal timestamps; the last of them wins.
      series.samples.sort((a, b) => (a.timestampMillis < b.timestampMillis ? -1 : a.timestampMillis > b.timestampMillis ? 1 : 0));
      const kept = series.samples.filter((sample, index, all) => index === all.length - 1 || all[index + 1].timestampMillis !== sample.timestampMillis);
      duplicateSamples += series.samples.length - kept.length;
      series.samples = kept;
    }
    return { request: { timeseries }, droppedPoints: this.droppedPoints, duplicateSamples };
  }
}
