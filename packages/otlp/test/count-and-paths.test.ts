import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countDataPoints, METRICS_EXPORT_GRPC_PATH, METRICS_EXPORT_PATH, METRICS_SERVICE_NAME } from '../src/index.js';
import { fullRequest, metric, requestOf, sumRequest } from './fixtures.js';

describe('countDataPoints', () => {
  it('counts the points of all five metric types', () => {
    // sum 2, gauge 1, histogram 1, exponential histogram 1, summary 1
    assert.equal(countDataPoints(fullRequest()), 6);
    assert.equal(countDataPoints(sumRequest(20, 50)), 1000);
  });

  it('counts nothing for empty requests and metrics without data', () => {
    assert.equal(countDataPoints({ resourceMetrics: [] }), 0);
    assert.equal(countDataPoints(requestOf(metric({ name: 'no data' }), metric({ gauge: { dataPoints: [] } }))), 0);
  });

  it('adds up over several resources and scopes', () => {
    const request = fullRequest();
    request.resourceMetrics.push(...sumRequest(2, 3).resourceMetrics, ...sumRequest(1, 4).resourceMetrics);
    assert.equal(countDataPoints(request), 6 + 6 + 4);
  });
});

describe('service names', () => {
  it('match the OTLP specification', () => {
    assert.equal(METRICS_EXPORT_PATH, '/v1/metrics');
    assert.equal(METRICS_SERVICE_NAME, 'opentelemetry.proto.collector.metrics.v1.MetricsService');
    assert.equal(METRICS_EXPORT_GRPC_PATH, `/${METRICS_SERVICE_NAME}/Export`);
  });
});
