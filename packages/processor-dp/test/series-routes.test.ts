import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AggregationTemporality, type HistogramDataPoint, type KeyValue, type Metric, type NumberDataPoint } from '@otel-dp/otlp';
import { DpProcessor } from '../src/index.js';
import { MetricsSink, noNoise } from '../src/testing.js';
import { MS, attrs, exactConfig, manualClock, request, routeValues } from './builders.js';

// The processor remembers, per frozen attribute list, the numbers it found for
// the list's series (window series, token entry, cumulative stream). These
// tests send one traffic twice, once with fresh lists and once with frozen
// lists shared across requests and windows as the decoder hands them out,
// and require the same releases.

const T0 = 1_700_000_000_000; // a window boundary for 1 s windows
const ROUTES = ['/a', '/b', '/c'];
const BOUNDS = [1, 10];

type Lists = (values: Record<string, string>) => KeyValue[];

/** Fresh lists on every call, as a caller that builds its request each time. */
const freshLists: Lists = (values) => attrs(values);

/** One deeply frozen list per distinct content, handed out again on every call, as the decoder's cache does. */
function sharedFrozenLists(): Lists {
  const shared = new Map<string, KeyValue[]>();
  return (values) => {
    const key = JSON.stringify(values);
    let list = shared.get(key);
    if (list === undefined) {
      list = attrs(values);
      for (const attribute of list) {
        Object.freeze(attribute.value);
        Object.freeze(attribute);
      }
      shared.set(key, Object.freeze(list) as KeyValue[]);
    }
    return list;
  };
}

function numberPoint(attributes: KeyValue[], value: number, startMillis: number, timeMillis: number): NumberDataPoint {
  return { attributes, startTimeUnixNano: BigInt(startMillis) * MS, timeUnixNano: BigInt(timeMillis) * MS, asDouble: value, exemplars: [], flags: 0 };
}

function histogramPoint(attributes: KeyValue[], counts: [number, number, number], timeMillis: number): HistogramDataPoint {
  return {
    attributes,
    startTimeUnixNano: BigInt(T0 + 1) * MS,
    timeUnixNano: BigInt(timeMillis) * MS,
    count: BigInt(counts[0] + counts[1] + counts[2]),
    sum: counts[1] * 5 + counts[2] * 20,
    bucketCounts: counts.map(BigInt),
    explicitBounds: BOUNDS,
    exemplars: [],
    flags: 0,
  };
}

/**
 * One request from `tokens` at `nowMillis`, the token on each point: a delta
 * sum, a cumulative sum and a cumulative histogram that grow with `step`, and
 * a gauge. The same lists serve two metrics, as one attribute set does in a
 * service's requests.
 */
function pointTokenRequest(lists: Lists, tokens: string[], step: number, nowMillis: number) {
  const pointsOf = <P>(make: (attributes: KeyValue[], t: number, r: number) => P) =>
    tokens.flatMap((token, t) => ROUTES.map((route, r) => make(lists({ route, 'api.token': token }), t, r)));
  const metrics: Metric[] = [
    sum('requests', AggregationTemporality.DELTA, pointsOf((a, t, r) => numberPoint(a, 1 + t + r, T0, nowMillis))),
    sum('bytes', AggregationTemporality.CUMULATIVE, pointsOf((a, t, r) => numberPoint(a, step * (10 + t + r), T0 + 1, nowMillis))),
    { name: 'load', description: '', unit: '1', metadata: [], gauge: { dataPoints: pointsOf((a, t, r) => numberPoint(a, step + t * r, T0, nowMillis)) } },
    {
      name: 'latency',
      description: '',
      unit: 's',
      metadata: [],
      histogram: {
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPoints: pointsOf((a, t, r) => histogramPoint(a, [step, step * (t + 1), step * r], nowMillis)),
      },
    },
  ];
  return request(metrics);
}

function sum(name: string, temporality: number, dataPoints: NumberDataPoint[]): Metric {
  return { name, description: '', unit: '1', metadata: [], sum: { dataPoints, aggregationTemporality: temporality, isMonotonic: true } };
}

/** A request whose points carry no token: the resource does, so one list serves every token. */
function resourceTokenRequest(lists: Lists, token: string, value: number, nowMillis: number) {
  const points = ROUTES.map((route) => numberPoint(lists({ route }), value, T0, nowMillis));
  return request([sum('calls', AggregationTemporality.DELTA, points)], { 'service.name': 'api', 'api.token': token });
}

/** Feeds `steps` (clock time, then requests) to a fresh processor and returns its releases, serialized. */
async function releasesOf(steps: Array<[number, () => ReturnType<typeof request>[]]>): Promise<string[]> {
  const clock = manualClock(T0 + 10);
  const sink = new MetricsSink();
  const processor = new DpProcessor(exactConfig({ maxSeriesPerToken: 20, outputTemporality: 'delta' }), sink, { now: clock.now, noiseSampler: noNoise });
  await processor.start();
  for (const [millis, requests] of steps) {
    clock.set(millis);
    for (const each of requests()) {
      const result = await processor.consume(each);
      assert.equal(result.rejectedDataPoints, 0, result.errorMessage);
    }
  }
  await processor.shutdown();
  return sink.releases.map((release) => JSON.stringify(release.request, (_key, value) => (typeof value === 'bigint' ? value.toString() : value)));
}

describe('remembered series routes', () => {
  it('release the same with frozen shared lists as with fresh ones, across windows and a renumbering of cumulative streams', async () => {
    const early = ['tok-0', 'tok-1', 'tok-2'];
    const lateTokens = ['tok-3', 'tok-4'];
    const scenario = (lists: Lists): Array<[number, () => ReturnType<typeof request>[]]> => [
      [T0 + 10, () => [pointTokenRequest(lists, [...early, ...lateTokens], 1, T0 + 10), pointTokenRequest(lists, early, 2, T0 + 20)]],
      [T0 + 1010, () => [pointTokenRequest(lists, [...early, ...lateTokens], 3, T0 + 1010)]],
      // Only the late tokens, so that the early ones' cumulative streams go stale.
      [T0 + 240_010, () => [pointTokenRequest(lists, lateTokens, 4, T0 + 240_010)]],
      // Past the five-minute staleness: the late tokens' streams are renumbered from 0.
      [T0 + 360_010, () => [pointTokenRequest(lists, lateTokens, 6, T0 + 360_010), pointTokenRequest(lists, early, 7, T0 + 360_020)]],
      [T0 + 361_010, () => [pointTokenRequest(lists, [...lateTokens, ...early], 9, T0 + 361_010)]],
    ];
    const fresh = await releasesOf(scenario(freshLists));
    const frozen = await releasesOf(scenario(sharedFrozenLists()));
    assert.equal(fresh.length, 5);
    assert.deepEqual(frozen, fresh);
    // Not vacuous: the last window holds every token's growth on /a since the window before, its value being step × (10 + its place).
    const last = routeValues(JSON.parse(fresh[4]));
    const lateGrowth = 9 * 10 - 6 * 10 + (9 * 11 - 6 * 11);
    const earlyGrowth = 9 * 12 - 7 * 10 + (9 * 13 - 7 * 11) + (9 * 14 - 7 * 12);
    assert.equal(last.get('bytes /a'), lateGrowth + earlyGrowth);
  });

  it('keep each token of a list that carries none apart, as the resource changes from request to request', async () => {
    const scenario = (lists: Lists): Array<[number, () => ReturnType<typeof request>[]]> => [
      [T0 + 10, () => ['tok-0', 'tok-1', 'tok-2', 'tok-0'].map((token, i) => resourceTokenRequest(lists, token, i + 1, T0 + 10))],
      [T0 + 1010, () => ['tok-2', 'tok-1'].map((token, i) => resourceTokenRequest(lists, token, 10 * (i + 1), T0 + 1010))],
    ];
    const fresh = await releasesOf(scenario(freshLists));
    const frozen = await releasesOf(scenario(sharedFrozenLists()));
    assert.deepEqual(frozen, fresh);
    const first = routeValues(JSON.parse(fresh[0]));
    assert.equal(first.get('calls /a'), 1 + 2 + 3 + 4);
  });
});
