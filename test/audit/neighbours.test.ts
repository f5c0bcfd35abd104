import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ExportMetricsServiceRequest, KeyValue } from '@otel-dp/otlp';
import {
  ADVERSARY_TOKEN,
  DURATION_METRIC,
  neighbours,
  OTHER_ROUTE,
  PRIVATE_ROUTE,
  REQUESTS_METRIC,
  SHARED_ROUTE,
  TOKEN_ATTRIBUTE,
} from './neighbours.js';
import { onGrid, releasedPoints, releasedSum } from './release-runs.js';

interface TokenPoint {
  metric: string;
  route: string;
  token: string;
  /** A sum's value or a histogram's sum. */
  value: number;
}

/** Every data point of a request with its token and its value (sums) or sum (histograms). */
function tokenPoints(request: ExportMetricsServiceRequest): TokenPoint[] {
  const points: TokenPoint[] = [];
  const label = (attributes: KeyValue[], key: string) => attributes.find((attribute) => attribute.key === key)?.value.stringValue ?? '';
  for (const metric of request.resourceMetrics[0].scopeMetrics[0].metrics) {
    const values = [
      ...(metric.sum?.dataPoints ?? []).map((point) => ({ attributes: point.attributes, value: point.asDouble! })),
      ...(metric.histogram?.dataPoints ?? []).map((point) => ({ attributes: point.attributes, value: point.sum! })),
    ];
    for (const { attributes, value } of values) {
      points.push({ metric: metric.name, route: label(attributes, 'route'), token: label(attributes, TOKEN_ATTRIBUTE), value });
    }
  }
  return points;
}

describe('neighbouring inputs', () => {
  const options = { sharedRouteTokens: 13, otherRouteTokens: 4, windows: 3, histograms: true };
  const inputs = neighbours(options);

  test('D′ is D plus the adversary, in every window', () => {
    assert.equal(inputs.without.length, 3);
    assert.equal(inputs.with.length, 3);
    for (let window = 0; window < 3; window++) {
      const honest = tokenPoints(inputs.without[window]);
      const all = tokenPoints(inputs.with[window]);
      assert.ok(honest.every((point) => point.token !== ADVERSARY_TOKEN));
      assert.deepEqual(
        all.filter((point) => point.token !== ADVERSARY_TOKEN),
        honest,
      );
      assert.ok(all.some((point) => point.token === ADVERSARY_TOKEN));
    }
  });

  test('the adversary feeds more series than k = 3, sends every extreme value, and has a route of its own', () => {
    const adversary = tokenPoints(inputs.with[0]).filter((point) => point.token === ADVERSARY_TOKEN);
    const series = new Set(adversary.map((point) => `${point.metric} ${point.route}`));
    assert.deepEqual(
      [...series].sort(),
      [`${DURATION_METRIC} ${PRIVATE_ROUTE}`, `${DURATION_METRIC} ${SHARED_ROUTE}`, `${REQUESTS_METRIC} ${PRIVATE_ROUTE}`, `${REQUESTS_METRIC} ${SHARED_ROUTE}`].sort(),
    );
    const values = adversary.map((point) => point.value);
    for (const extreme of [1e300, -1e300, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assert.ok(values.some((value) => Object.is(value, extreme)), `sends ${extreme}`);
    }
    const honestRoutes = new Set(tokenPoints(inputs.without[0]).map((point) => point.route));
    assert.deepEqual([...honestRoutes].sort(), [SHARED_ROUTE, OTHER_ROUTE].sort());
  });

  test('the shared route holds the requested honest tokens, and its total is theirs', () => {
    const shared = tokenPoints(inputs.without[0]).filter((point) => point.metric === REQUESTS_METRIC && point.route === SHARED_ROUTE);
    assert.equal(new Set(shared.map((point) => point.token)).size, options.sharedRouteTokens);
    assert.equal(
      inputs.sharedRouteTotal,
      shared.reduce((total, point) => total + point.value, 0),
    );
  });
});

describe('reading releases', () => {
  test('onGrid accepts finite multiples of the grid only', () => {
    assert.ok(onGrid(3 * 2 ** -14, 2 ** -14));
    assert.ok(onGrid(0, 2 ** -14));
    assert.ok(onGrid(-5 * 2 ** -14, 2 ** -14));
    assert.ok(!onGrid(3 * 2 ** -14 + 2 ** -30, 2 ** -14));
    assert.ok(!onGrid(0.1, 2 ** -14));
    assert.ok(!onGrid(Number.NaN, 2 ** -14));
    assert.ok(!onGrid(Number.POSITIVE_INFINITY, 2 ** -14));
  });

  test('releasedPoints and releasedSum read sums and histograms by route', () => {
    // An input window as a stand-in for a release: the readers only look at its shape.
    const batch = { request: neighbours({ sharedRouteTokens: 1, otherRouteTokens: 0, windows: 1, histograms: true }).with[0] };
    assert.equal(releasedSum(batch, REQUESTS_METRIC, SHARED_ROUTE), 1);
    assert.equal(releasedSum(batch, REQUESTS_METRIC, OTHER_ROUTE), undefined);
    assert.equal(releasedSum(undefined, REQUESTS_METRIC, SHARED_ROUTE), undefined);
    const points = releasedPoints(batch.request);
    assert.equal(points.filter((point) => point.kind === 'sum').length, 6);
    const histograms = points.filter((point) => point.kind === 'histogram');
    assert.equal(histograms.length, 5);
    assert.deepEqual(histograms[0], { metric: DURATION_METRIC, route: SHARED_ROUTE, kind: 'histogram', value: 40, buckets: [0n, 2n, 1n, 0n], count: 3n });
  });
});
