import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FLAG_NO_RECORDED_VALUE } from '@otel-dp/otlp';
import { toWriteRequest, type TranslationOptions } from '../src/translate.js';
import type { TimeSeries } from '../src/write-request.js';
import { attribute, defaultResource, END_MILLIS, END_NANOS, histogramPoint, metric, numberPoint, requestOf } from './support/otlp-fixture.js';

const DEFAULTS: TranslationOptions = { scopeLabels: true, resourceToLabels: false };

/** Series as `name{label="value",…}` → values, for readable comparisons. */
function flatten(timeseries: TimeSeries[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const series of timeseries) {
    const name = series.labels.find((label) => label.name === '__name__')?.value ?? '';
    const rest = series.labels.filter((label) => label.name !== '__name__').map((label) => `${label.name}="${label.value}"`);
    out[`${name}{${rest.join(',')}}`] = series.samples.map((sample) => sample.value);
  }
  return out;
}

const JOB = 'instance="i-1",job="shop/api"';
const OTEL_SCOPE = 'otel_scope_name="otel-dp",otel_scope_version="0.1.0"';
const SCOPE = `${JOB},${OTEL_SCOPE}`;

test('sums, gauges and histograms become counters, gauges and _bucket/_sum/_count series', () => {
  const route = attribute('http.route', '/users');
  const { request, droppedPoints, duplicateSamples } = toWriteRequest(
    requestOf([
      metric('http.server.requests', '{request}', { sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [numberPoint(42n, [route])] } }),
      metric('queue.depth', '{item}', { sum: { aggregationTemporality: 2, isMonotonic: false, dataPoints: [numberPoint(-3n)] } }),
      metric('cache.utilization', '1', { gauge: { dataPoints: [numberPoint(0.75)] } }),
      metric('http.server.duration', 'ms', { histogram: { aggregationTemporality: 2, dataPoints: [histogramPoint([1n, 2n, 3n], [10, 100], 123.5, [route])] } }),
    ]),
    DEFAULTS,
  );
  assert.deepEqual(flatten(request.timeseries), {
    [`http_server_requests_total{http_route="/users",${SCOPE}}`]: [42],
    [`queue_depth{${SCOPE}}`]: [-3],
    [`cache_utilization_ratio{${SCOPE}}`]: [0.75],
    [`http_server_duration_milliseconds_bucket{http_route="/users",${JOB},le="10",${OTEL_SCOPE}}`]: [1],
    [`http_server_duration_milliseconds_bucket{http_route="/users",${JOB},le="100",${OTEL_SCOPE}}`]: [3],
    [`http_server_duration_milliseconds_bucket{http_route="/users",${JOB},le="+Inf",${OTEL_SCOPE}}`]: [6],
    [`http_server_duration_milliseconds_sum{http_route="/users",${SCOPE}}`]: [123.5],
    [`http_server_duration_milliseconds_count{http_route="/users",${SCOPE}}`]: [6],
    [`target_info{deployment_environment="prod",instance="i-1",job="shop/api"}`]: [1],
  });
  for (const series of request.timeseries) {
    const names = series.labels.map((label) => label.name);
    assert.deepEqual(names, [...names].sort(), 'labels sorted by name');
    assert.equal(series.samples[0].timestampMillis, END_MILLIS);
  }
  assert.equal(droppedPoints.size, 0);
  assert.equal(duplicateSamples, 0);
});

test('what Prometheus cannot hold is dropped and counted by reason', () => {
  const { request, droppedPoints } = toWriteRequest(
    requestOf([
      metric('delta.sum', '', { sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [numberPoint(1n), numberPoint(2n, [attribute('a', 'b')])] } }),
      metric('delta.histogram', '', { histogram: { aggregationTemporality: 1, dataPoints: [histogramPoint([1n], [], 1)] } }),
      metric('unspecified.sum', '', { sum: { aggregationTemporality: 0, isMonotonic: false, dataPoints: [numberPoint(1n)] } }),
      metric('latency', 'ms', {
        exponentialHistogram: {
          aggregationTemporality: 2,
          dataPoints: [{ attributes: [], startTimeUnixNano: 0n, timeUnixNano: END_NANOS, count: 1n, scale: 0, zeroCount: 0n, flags: 0, exemplars: [], zeroThreshold: 0 }],
        },
      }),
      metric('empty.gauge', '', { gauge: { dataPoints: [{ attributes: [], startTimeUnixNano: 0n, timeUnixNano: END_NANOS, exemplars: [], flags: 0 }] } }),
      metric('bad.histogram', '', { histogram: { aggregationTemporality: 2, dataPoints: [histogramPoint([1n, 2n], [1, 2], 3)] } }),
      metric('...', '', { gauge: { dataPoints: [numberPoint(1)] } }),
    ]),
    DEFAULTS,
  );
  assert.deepEqual(Object.fromEntries(droppedPoints), {
    delta_temporality: 3,
    unspecified_temporality: 1,
    exponential_histogram: 1,
    no_value: 1,
    malformed_histogram: 1,
    invalid_name: 1,
  });
  assert.deepEqual(request.timeseries, [], 'nothing written, not even target_info');
});

test('a point flagged NO_RECORDED_VALUE becomes a stale marker', () => {
  const { request } = toWriteRequest(requestOf([metric('queue.depth', '', { gauge: { dataPoints: [numberPoint(0, [], END_NANOS, FLAG_NO_RECORDED_VALUE)] } })]), DEFAULTS);
  const sample = request.timeseries.find((series) => series.labels[0].value === 'queue_depth')?.samples[0];
  assert.equal(sample?.stale, true);
});

test('attribute keys that collide are joined with ";" in key order; the resource job wins over a job attribute', () => {
  const { request } = toWriteRequest(
    requestOf([
      metric('m', '', {
        gauge: { dataPoints: [numberPoint(1, [attribute('a.b', 'dot'), attribute('a_b', 'underscore'), attribute('job', 'mine'), attribute('le', 'x'), attribute('empty', '')])] },
      }),
    ]),
    DEFAULTS,
  );
  assert.deepEqual(Object.keys(flatten(request.timeseries)), [`m{a_b="dot;underscore",${JOB},le="x",${OTEL_SCOPE}}`, 'target_info{deployment_environment="prod",instance="i-1",job="shop/api"}']);
});

test('series repeated across resources merge; samples sorted by time; a repeated timestamp keeps the last', () => {
  const resource = defaultResource();
  const early = END_NANOS - 60_000_000_000n;
  const twice = requestOf([metric('g', '', { gauge: { dataPoints: [numberPoint(2, [], END_NANOS), numberPoint(1, [], early)] } })], resource);
  const again = requestOf([metric('g', '', { gauge: { dataPoints: [numberPoint(3, [], END_NANOS)] } })], resource);
  const { request, duplicateSamples } = toWriteRequest({ resourceMetrics: [...twice.resourceMetrics, ...again.resourceMetrics] }, DEFAULTS);
  const series = request.timeseries.find((candidate) => candidate.labels[0].value === 'g');
  assert.deepEqual(series?.samples.map((sample) => [sample.timestampMillis, sample.value]), [
    [END_MILLIS - 60_000n, 1],
    [END_MILLIS, 3],
  ]);
  assert.equal(duplicateSamples, 2, 'the second target_info and the first g at END');
});

test('options: no scope labels; resource attributes copied onto series', () => {
  const { request } = toWriteRequest(requestOf([metric('g', '', { gauge: { dataPoints: [numberPoint(1, [attribute('deployment.environment', 'point wins')])] } })]), {
    scopeLabels: false,
    resourceToLabels: true,
  });
  assert.deepEqual(Object.keys(flatten(request.timeseries))[0], 'g{deployment_environment="point wins",instance="i-1",job="shop/api",service_instance_id="i-1",service_name="api",service_namespace="shop"}');
});

test('job is service.name alone without a namespace; no service attributes, no job or instance', () => {
  const named = toWriteRequest(requestOf([metric('g', '', { gauge: { dataPoints: [numberPoint(1)] } })], [attribute('service.name', 'api')]), DEFAULTS);
  assert.deepEqual(Object.keys(flatten(named.request.timeseries)), ['g{job="api",otel_scope_name="otel-dp",otel_scope_version="0.1.0"}']);
  const anonymous = toWriteRequest(requestOf([metric('g', '', { gauge: { dataPoints: [numberPoint(1)] } })], []), DEFAULTS);
  assert.deepEqual(Object.keys(flatten(anonymous.request.timeseries)), ['g{otel_scope_name="otel-dp",otel_scope_version="0.1.0"}']);
});
