// Requests made of one long run of a single repeated field, one per repeated
// field of the schema: the inputs on which a decoder that looks ahead over
// the run, or copies what it has gathered, at every element goes quadratic.

import { decodeMetricsRequest, decodeRpcStatus, OtlpDecodeError } from '../src/index.js';
import { bytes, double, fixed64, le64, len, nest, PATH, str, uvarint, type Bytes } from './wire.js';

export interface LongRun {
  /** The repeated field, as the decoder names it. */
  field: string;
  /** The encoded message with `count` elements in the run. */
  build(count: number): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

/** `element(i)` for i below `count`, one after another. */
function run(count: number, element: (i: number) => Bytes): Bytes {
  const out: Bytes = [];
  for (let i = 0; i < count; i++) for (const b of element(i)) out.push(b);
  return out;
}

/** A key-value of about ten bytes in field `field`: the shape of the reported input. */
const keyValue = (field: number): Bytes => len(field, str(1, 'k'), len(2, str(1, 'v')));
/** The same with a key of its own, so the string cache cannot serve it. */
const distinctKeyValue = (field: number, i: number): Bytes => len(field, str(1, `k${i}`), len(2, str(1, 'v')));

/** A request of `count` elements of `element` inside the message at `path`. */
function inside(path: readonly number[], element: (i: number) => Bytes): (count: number) => Uint8Array {
  return (count) => bytes(nest(path, run(count, element)));
}

/** Decodes, or refuses at a limit: either way the answer must come in time linear in the input. */
function decodeOrRefuse(bytes: Uint8Array): unknown {
  try {
    return decodeMetricsRequest(bytes);
  } catch (error) {
    if (error instanceof OtlpDecodeError) return error;
    throw error;
  }
}

const request = (field: string, build: (count: number) => Uint8Array): LongRun => ({ field, build, decode: decodeOrRefuse });

const pointAttributeFields = [
  { point: 'NumberDataPoint', path: PATH.numberPoint, attributes: 7, exemplars: 5, flags: 8 },
  { point: 'HistogramDataPoint', path: PATH.histogramPoint, attributes: 9, exemplars: 8, flags: 10 },
  { point: 'ExponentialHistogramDataPoint', path: PATH.exponentialPoint, attributes: 1, exemplars: 11, flags: 10 },
  { point: 'SummaryDataPoint', path: PATH.summaryPoint, attributes: 7, exemplars: undefined, flags: 8 },
] as const;

const dataPointFields = [
  { container: 'Gauge', path: PATH.gauge },
  { container: 'Sum', path: PATH.sum },
  { container: 'Histogram', path: PATH.histogram },
  { container: 'ExponentialHistogram', path: PATH.exponentialHistogram },
  { container: 'Summary', path: PATH.summary },
] as const;

export const LONG_RUNS: LongRun[] = [
  request('ExportMetricsServiceRequest.resource_metrics', (count) => bytes(run(count, () => len(1, [])))),
  request('ResourceMetrics.scope_metrics', inside(PATH.resourceMetrics, () => len(2, []))),
  request('ScopeMetrics.metrics', inside(PATH.scopeMetrics, () => len(2, str(1, 'm')))),
  request('Metric.metadata', inside(PATH.metric, () => keyValue(12))),
  request('Resource.attributes', inside(PATH.resource, () => keyValue(1))),
  request('InstrumentationScope.attributes', inside(PATH.scope, () => keyValue(3))),
  ...dataPointFields.map(({ container, path }) => request(`${container}.data_points`, inside(path, () => len(1, fixed64(3, 1n))))),
  ...pointAttributeFields.flatMap(({ point, path, attributes, flags }) => [
    request(`${point}.attributes`, inside(path, () => keyValue(attributes))),
    request(`${point}.attributes, keys all different`, inside(path, (i) => distinctKeyValue(attributes, i))),
    // Runs of one field each, split by another field.
    request(`${point}.attributes, each split from the next`, inside(path, () => [...keyValue(attributes), ...uvarint(flags, 1)])),
  ]),
  ...pointAttributeFields.flatMap(({ point, path, exemplars }) =>
    exemplars === undefined ? [] : [request(`${point}.exemplars`, inside(path, () => len(exemplars, fixed64(2, 1n))))],
  ),
  request('Exemplar.filtered_attributes', inside(PATH.exemplar, () => keyValue(7))),
  request('HistogramDataPoint.bucket_counts, one value a field', inside(PATH.histogramPoint, () => fixed64(6, 1n))),
  request('HistogramDataPoint.bucket_counts, packed runs of one', inside(PATH.histogramPoint, () => len(6, le64(1n)))),
  request('HistogramDataPoint.explicit_bounds, one value a field', inside(PATH.histogramPoint, () => double(7, 1))),
  request('ExponentialHistogramDataPoint.Buckets.bucket_counts, one value a field', inside(PATH.buckets, () => uvarint(2, 1))),
  request('ExponentialHistogramDataPoint.Buckets.bucket_counts, packed runs of three', inside(PATH.buckets, () => len(2, [1, 2, 3]))),
  request('SummaryDataPoint.quantile_values', inside(PATH.summaryPoint, () => len(6, double(2, 1)))),
  request('ArrayValue.values', (count) => bytes(nest([...PATH.anyValue, 5], run(count, () => len(1, str(1, 'v')))))),
  request('KeyValueList.values', (count) => bytes(nest([...PATH.anyValue, 6], run(count, () => keyValue(1))))),
  request('unknown fields of a data point', inside(PATH.numberPoint, () => len(99, [1, 2, 3]))),
  { field: 'Status.details', build: (count) => bytes(run(count, () => len(3, str(1, 't')))), decode: decodeRpcStatus },
];
