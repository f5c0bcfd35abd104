import { readInstrumentationScope, readKeyValue, readResource } from './decode-common.js';
import { readExponentialHistogramDataPoint } from './decode-exponential-histogram.js';
import { readHistogramDataPoint, readNumberDataPoint, readSummaryDataPoint } from './decode-points.js';
import type { ProtoReader } from './proto-reader.js';
import { WIRE_LEN, WIRE_VARINT } from './wire-format.js';
import type {
  ExponentialHistogram,
  ExponentialHistogramDataPoint,
  Gauge,
  Histogram,
  HistogramDataPoint,
  InstrumentationScope,
  KeyValue,
  Metric,
  NumberDataPoint,
  Resource,
  ResourceMetrics,
  ScopeMetrics,
  Sum,
  Summary,
  SummaryDataPoint,
} from './types.js';

// Decoders for the metric containers of opentelemetry.proto.metrics.v1, from
// ResourceMetrics down to the five data kinds.

export function readResourceMetrics(r: ProtoReader): ResourceMetrics {
  const outer = r.enter('ResourceMetrics');
  let resource: Resource | undefined;
  const scopeMetrics: ScopeMetrics[] = [];
  let schemaUrl = '';
  while (r.pos < r.limit) {
    const tag = r.tag('ResourceMetrics');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_LEN, 'ResourceMetrics.resource');
        resource = readResource(r);
        break;
      case 2:
        r.expectWire(tag, WIRE_LEN, 'ResourceMetrics.scope_metrics');
        scopeMetrics.push(readScopeMetrics(r));
        break;
      case 3:
        r.expectWire(tag, WIRE_LEN, 'ResourceMetrics.schema_url');
        schemaUrl = r.string('ResourceMetrics.schema_url');
        break;
      default:
        r.skip(tag, 'ResourceMetrics');
    }
  }
  r.leave(outer);
  return resource === undefined ? { scopeMetrics, schemaUrl } : { resource, scopeMetrics, schemaUrl };
}

function readScopeMetrics(r: ProtoReader): ScopeMetrics {
  const outer = r.enter('ScopeMetrics');
  let scope: InstrumentationScope | undefined;
  const metrics: Metric[] = [];
  let schemaUrl = '';
  while (r.pos < r.limit) {
    const tag = r.tag('ScopeMetrics');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_LEN, 'ScopeMetrics.scope');
        scope = readInstrumentationScope(r);
        break;
      case 2:
        r.expectWire(tag, WIRE_LEN, 'ScopeMetrics.metrics');
        metrics.push(readMetric(r));
        break;
      case 3:
        r.expectWire(tag, WIRE_LEN, 'ScopeMetrics.schema_url');
        schemaUrl = r.string('ScopeMetrics.schema_url');
        break;
      default:
        r.skip(tag, 'ScopeMetrics');
    }
  }
  r.leave(outer);
  return scope === undefined ? { metrics, schemaUrl } : { scope, metrics, schemaUrl };
}

const NO_DATA = 0;
const GAUGE = 5;
const SUM = 7;
const HISTOGRAM = 9;
const EXPONENTIAL_HISTOGRAM = 10;
const SUMMARY = 11;

function readMetric(r: ProtoReader): Metric {
  const outer = r.enter('Metric');
  let name = '';
  let description = '';
  let unit = '';
  const metadata: KeyValue[] = [];
  // The `data` oneof: the last member on the wire wins.
  let kind = NO_DATA;
  let data: Gauge | Sum | Histogram | ExponentialHistogram | Summary | undefined;
  while (r.pos < r.limit) {
    const tag = r.tag('Metric');
    const field = tag >>> 3;
    switch (field) {
      case 1:
        r.expectWire(tag, WIRE_LEN, 'Metric.name');
        name = r.string('Metric.name');
        break;
      case 2:
        r.expectWire(tag, WIRE_LEN, 'Metric.description');
        description = r.string('Metric.description');
        break;
      case 3:
        r.expectWire(tag, WIRE_LEN, 'Metric.unit');
        unit = r.string('Metric.unit');
        break;
      case GAUGE:
        r.expectWire(tag, WIRE_LEN, 'Metric.gauge');
        data = readGauge(r);
        kind = field;
        break;
      case SUM:
        r.expectWire(tag, WIRE_LEN, 'Metric.sum');
        data = readSum(r);
        kind = field;
        break;
      case HISTOGRAM:
        r.expectWire(tag, WIRE_LEN, 'Metric.histogram');
        data = readHistogram(r);
        kind = field;
        break;
      case EXPONENTIAL_HISTOGRAM:
        r.expectWire(tag, WIRE_LEN, 'Metric.exponential_histogram');
        data = readExponentialHistogram(r);
        kind = field;
        break;
      case SUMMARY:
        r.expectWire(tag, WIRE_LEN, 'Metric.summary');
        data = readSummary(r);
        kind = field;
        break;
      case 12:
        r.expectWire(tag, WIRE_LEN, 'Metric.metadata');
        metadata.push(readKeyValue(r, 0));
        break;
      default:
        r.skip(tag, 'Metric');
    }
  }
  r.leave(outer);
  switch (kind) {
    case GAUGE:
      return { name, description, unit, metadata, gauge: data as Gauge };
    case SUM:
      return { name, description, unit, metadata, sum: data as Sum };
    case HISTOGRAM:
      return { name, description, unit, metadata, histogram: data as Histogram };
    case EXPONENTIAL_HISTOGRAM:
      return { name, description, unit, metadata, exponentialHistogram: data as ExponentialHistogram };
    case SUMMARY:
      return { name, description, unit, metadata, summary: data as Summary };
    default:
      return { name, description, unit, metadata };
  }
}

function readGauge(r: ProtoReader): Gauge {
  const outer = r.enter('Gauge');
  const dataPoints: NumberDataPoint[] = [];
  while (r.pos < r.limit) {
    const tag = r.tag('Gauge');
    if (tag >>> 3 === 1) {
      r.expectWire(tag, WIRE_LEN, 'Gauge.data_points');
      dataPoints.push(readNumberDataPoint(r));
    } else {
      r.skip(tag, 'Gauge');
    }
  }
  r.leave(outer);
  return { dataPoints };
}

function readSum(r: ProtoReader): Sum {
  const outer = r.enter('Sum');
  const dataPoints: NumberDataPoint[] = [];
  let aggregationTemporality = 0;
  let isMonotonic = false;
  while (r.pos < r.limit) {
    const tag = r.tag('Sum');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_LEN, 'Sum.data_points');
        dataPoints.push(readNumberDataPoint(r));
        break;
      case 2:
        r.expectWire(tag, WIRE_VARINT, 'Sum.aggregation_temporality');
        aggregationTemporality = r.int32('Sum.aggregation_temporality');
        break;
      case 3:
        r.expectWire(tag, WIRE_VARINT, 'Sum.is_monotonic');
        isMonotonic = r.bool('Sum.is_monotonic');
        break;
      default:
        r.skip(tag, 'Sum');
    }
  }
  r.leave(outer);
  return { dataPoints, aggregationTemporality, isMonotonic };
}

function readHistogram(r: ProtoReader): Histogram {
  const outer = r.enter('Histogram');
  const dataPoints: HistogramDataPoint[] = [];
  let aggregationTemporality = 0;
  while (r.pos < r.limit) {
    const tag = r.tag('Histogram');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_LEN, 'Histogram.data_points');
        dataPoints.push(readHistogramDataPoint(r));
        break;
      case 2:
        r.expectWire(tag, WIRE_VARINT, 'Histogram.aggregation_temporality');
        aggregationTemporality = r.int32('Histogram.aggregation_temporality');
        break;
      default:
        r.skip(tag, 'Histogram');
    }
  }
  r.leave(outer);
  return { dataPoints, aggregationTemporality };
}

function readExponentialHistogram(r: ProtoReader): ExponentialHistogram {
  const outer = r.enter('ExponentialHistogram');
  const dataPoints: ExponentialHistogramDataPoint[] = [];
  let aggregationTemporality = 0;
  while (r.pos < r.limit) {
    const tag = r.tag('ExponentialHistogram');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_LEN, 'ExponentialHistogram.data_points');
        dataPoints.push(readExponentialHistogramDataPoint(r));
        break;
      case 2:
        r.expectWire(tag, WIRE_VARINT, 'ExponentialHistogram.aggregation_temporality');
        aggregationTemporality = r.int32('ExponentialHistogram.aggregation_temporality');
        break;
      default:
        r.skip(tag, 'ExponentialHistogram');
    }
  }
  r.leave(outer);
  return { dataPoints, aggregationTemporality };
}

function readSummary(r: ProtoReader): Summary {
  const outer = r.enter('Summary');
  const dataPoints: SummaryDataPoint[] = [];
  while (r.pos < r.limit) {
    const tag = r.tag('Summary');
    if (tag >>> 3 === 1) {
      r.expectWire(tag, WIRE_LEN, 'Summary.data_points');
      dataPoints.push(readSummaryDataPoint(r));
    } else {
      r.skip(tag, 'Summary');
    }
  }
  r.leave(outer);
  return { dataPoints };
}
