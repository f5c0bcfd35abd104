import { AggregationTemporality, type ExportMetricsServiceRequest, type KeyValue, type Metric } from '@otel-dp/otlp';
import { stringAttribute, sumRequest } from './otlp-requests.js';
import { TOKEN_ATTRIBUTE } from './sdk-app.js';

/**
 * Requests at the edges of what the sidecar takes: values that are not
 * finite, metric kinds it refuses, attribute lists past a limit. Points
 * are delta sums stamped now, so each lands in the open window.
 */

/** One delta sum point: a double value and, unless `token` is undefined, the token attribute. */
export interface DoublePoint {
  token: string | undefined;
  value: number;
  attributes?: KeyValue[];
}

function nowNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/** A delta monotonic Sum `metric` whose points carry double values (NaN and ±Infinity allowed). */
export function doubleSumMetric(metric: string, points: readonly DoublePoint[]): Metric {
  const time = nowNanos();
  return {
    name: metric,
    description: '',
    unit: '1',
    metadata: [],
    sum: {
      aggregationTemporality: AggregationTemporality.DELTA,
      isMonotonic: true,
      dataPoints: points.map((point) => ({
        attributes: [...(point.attributes ?? []), ...(point.token === undefined ? [] : [stringAttribute(TOKEN_ATTRIBUTE, point.token)])],
        startTimeUnixNano: time - 1_000_000n,
        timeUnixNano: time,
        asDouble: point.value,
        exemplars: [],
        flags: 0,
      })),
    },
  };
}

/** A Summary `metric` with one tokened point per token. */
export function summaryMetric(metric: string, tokens: readonly string[]): Metric {
  const time = nowNanos();
  return {
    name: metric,
    description: '',
    unit: 'ms',
    metadata: [],
    summary: {
      dataPoints: tokens.map((token) => ({
        attributes: [stringAttribute(TOKEN_ATTRIBUTE, token)],
        startTimeUnixNano: time - 1_000_000n,
        timeUnixNano: time,
        count: 4n,
        sum: 10,
        quantileValues: [
          { quantile: 0.5, value: 2 },
          { quantile: 0.99, value: 4 },
        ],
        flags: 0,
      })),
    },
  };
}

/** One request with one resource and scope holding `metrics`. */
export function requestOf(metrics: Metric[]): ExportMetricsServiceRequest {
  const request = sumRequest([], 'e2e-edges');
  request.resourceMetrics[0].scopeMetrics[0].metrics = metrics;
  return request;
}

/** A valid request: one integer point of `metric` per token, all valued `value`. */
export function goodRequest(metric: string, tokens: readonly string[], value = 1): ExportMetricsServiceRequest {
  const time = nowNanos();
  return sumRequest([
    { metric, points: tokens.map((token) => ({ attributes: [stringAttribute(TOKEN_ATTRIBUTE, token)], value })), startTimeUnixNano: time - 1_000_000n, timeUnixNano: time },
  ]);
}

/** A tokened point whose attribute list holds `count` attributes besides the token. */
export function wideAttributesRequest(token: string, count: number): ExportMetricsServiceRequest {
  const attributes = Array.from({ length: count }, (_, i) => stringAttribute(`attr.${i}`, 'v'));
  return requestOf([doubleSumMetric('e2e.wide', [{ token, value: 1, attributes }])]);
}

/** A tokened point with one attribute value `length` characters long. */
export function longAttributeRequest(token: string, length: number): ExportMetricsServiceRequest {
  return requestOf([doubleSumMetric('e2e.long', [{ token, value: 1, attributes: [stringAttribute('note', 'x'.repeat(length))] }])]);
}
