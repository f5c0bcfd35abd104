import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExportMetricsServiceRequest } from '@otel-dp/otlp';
import { simulate } from '../src/simulate.js';
import { MS, exactConfig, point, request, routeValues, sumMetric } from './builders.js';

const T0 = 1_700_000_000_000;

describe('simulate', () => {
  it('assigns points to windows by their own timestamps and releases each run independently', async () => {
    const at = (millis: number) => ({ time: BigInt(T0 + millis) * MS });
    // One request whose points fall in two windows, and a later request for the first window.
    const requests = [
      request([
        sumMetric('requests', [
          point(2, { route: '/a', 'api.token': 't1' }, at(100)),
          point(3, { route: '/a', 'api.token': 't2' }, at(200)),
          point(5, { route: '/a', 'api.token': 't1' }, at(2500)),
          point(5, { route: '/a', 'api.token': 't2' }, at(2600)),
        ]),
      ]),
      request([sumMetric('requests', [point(4, { route: '/a', 'api.token': 't3' }, at(900))])]),
    ];
    // Laplace noise at ε = 1e9 is far below one grid step: every release is exact.
    const releases: { run: number; windowStartMillis: number; request: ExportMetricsServiceRequest }[] = [];
    await simulate(requests, { config: exactConfig({ outputTemporality: 'delta', mechanism: 'laplace' }), runs: 3, onRelease: (release) => void releases.push(release) });
    assert.deepEqual(
      releases.map((release) => [release.run, release.windowStartMillis - T0, routeValues(release.request).get('requests /a')]),
      [
        [0, 0, 9],
        [0, 1000, 0],
        [0, 2000, 10],
        [1, 0, 9],
        [1, 1000, 0],
        [1, 2000, 10],
        [2, 0, 9],
        [2, 1000, 0],
        [2, 2000, 10],
      ],
    );
  });

  it('refuses points spread over more windows than it replays, as one stray timestamp makes them', async () => {
    const requests = [request([sumMetric('requests', [point(1, { route: '/a', 'api.token': 't1' }, { time: 0n }), point(1, { route: '/a', 'api.token': 't1' }, { time: BigInt(T0) * MS })])])];
    const started = performance.now();
    await assert.rejects(
      simulate(requests, { config: exactConfig(), runs: 1, onRelease: () => {} }),
      /span 1700000001 windows of windowMillis 1000ms, from 1970-01-01T00:00:00\.000Z to 2023-11-14T22:13:20\.000Z, more than 1000000/,
    );
    assert.ok(performance.now() - started < 1000, 'refused before replaying anything');
  });

  it('refuses a run count below one', async () => {
    await assert.rejects(simulate([], { config: exactConfig(), runs: 0, onRelease: () => {} }), /runs is 0/);
  });
});
