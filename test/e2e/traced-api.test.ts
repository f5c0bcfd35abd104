import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_DP_CONFIG, SPAN_CALLS_METRIC, SPAN_DURATION_METRIC, type DpProcessorConfig } from '@otel-dp/processor-dp';
import { assessMean, assessSpread } from '../support/noise-spread.js';
import { OtlpBackend } from '../support/otlp-backend.js';
import { releasedCalls, releasedDurationCounts, routeStatusKey, withoutZeros } from '../support/released-span-metrics.js';
import { attributeKeysSeen, releasedPoints } from '../support/released-values.js';
import { reportedNoiseStdDev } from '../support/reported-noise.js';
import { makeTokens } from '../support/sdk-app.js';
import { SidecarProcess } from '../support/sidecar-process.js';
import { ROUTE_BEHAVIOUR, spanName, TRACED_SERVICE, TracedApi, type TraceProtocol } from '../support/traced-api.js';
import { WaitTimeoutError } from '../support/wait.js';

/**
 * A traced API's spans become private request rate, errors and latency per
 * route: a node:http server instrumented by OpenTelemetry's own HTTP
 * instrumentation, each OTLP trace exporter in turn → `otel-dp run` → a real
 * OTLP metrics backend, all on 127.0.0.1.
 *
 * Exact case: at ε = 1e9 (Laplace) the noise is negligible (b = k·C/(ε/2)
 * ≈ 3e-6 for the calls with k = 16, C = 100), so the released calls and
 * errors per route must equal what the client saw, and the duration
 * histogram's count must equal the calls, each within 0.05. Every route, status, kind and the
 * service are declared with `--public-attribute`, so no series waits for
 * partition selection; the clip ranges are above what any token sends in a
 * window (at most 8 calls a series), so clipping changes nothing.
 *
 * Noise case: at ε = 1 the zero-traffic public series released every window
 * are pure noise; their spread must be the σ the processor reports, by the
 * chi-square interval of `noise-spread.ts`.
 */
const WINDOW_MILLIS = 1000;
const HUGE_EPSILON = 1e9;
const DELTA = 1e-6;
const MAX_SERIES_PER_TOKEN = 16;
const CALLS_CLIP = 100;
const DURATION_CLIP_MS = 60_000;
const DURATION_CLIP_COUNT = 100;
const TOKENS = 6;
const REQUESTS_PER_TOKEN_AND_ROUTE = 4;
/**
 * How far a released total may be from the truth: the noise is about 3e-6 a
 * window and a released value is a multiple of its grid (2^-11 for these
 * clips), so a case's few windows stay far inside this.
 */
const TOLERANCE = 0.05;
const CASE_TIMEOUT_MILLIS = 40_000;
/** The case's requests must all be answered within this, or the case stops sending. */
const TRAFFIC_DEADLINE_MILLIS = 15_000;
const RELEASE_WAIT_MILLIS = 10_000;

const ROUTES = Object.keys(ROUTE_BEHAVIOUR);
const STATUSES = ['STATUS_CODE_UNSET', 'STATUS_CODE_ERROR'];

function publicFlags(spanNames: readonly string[]): string[] {
  return [
    '--public-attribute', `service.name=${TRACED_SERVICE}`,
    '--public-attribute', `span.name=${spanNames.join(',')}`,
    '--public-attribute', 'span.kind=SPAN_KIND_SERVER',
    '--public-attribute', `status.code=${STATUSES.join(',')}`,
  ];
}

interface SidecarOptions {
  epsilon: number;
  mechanism: 'laplace' | 'gaussian';
  maxSeriesPerToken: number;
  callsClip: number;
  spanNames: readonly string[];
  backend: OtlpBackend;
  durationHistogram?: 'explicit' | 'exponential';
}

function sidecarFlags(options: SidecarOptions): string[] {
  return [
    '--span-duration-histogram', options.durationHistogram ?? 'explicit',
    '--window', `${WINDOW_MILLIS}ms`,
    '--epsilon', String(options.epsilon),
    '--delta', String(DELTA),
    '--mechanism', options.mechanism,
    '--max-series-per-token', String(options.maxSeriesPerToken),
    '--clip', `${SPAN_CALLS_METRIC}=0:${options.callsClip}`,
    '--clip', `${SPAN_DURATION_METRIC}=0:${DURATION_CLIP_MS}`,
    '--clip-count', `${SPAN_DURATION_METRIC}=${DURATION_CLIP_COUNT}`,
    '--output-temporality', 'delta',
    '--counter-projection', 'none',
    ...publicFlags(options.spanNames),
    '--otlp-endpoint', options.backend.endpoint('http/protobuf'),
    '--otlp-protocol', 'http/protobuf',
  ];
}

function traceUrl(sidecar: SidecarProcess, protocol: TraceProtocol): string {
  return protocol === 'grpc' ? sidecar.grpcUrl : sidecar.httpTracesUrl;
}

/** Waits (bounded) for `condition`; a timeout is left to the assertions after it, whose messages show the difference. */
async function settle(condition: () => boolean, deadlineMillis: number): Promise<void> {
  const deadline = Date.now() + deadlineMillis;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

function sortedEntries(map: ReadonlyMap<string, number>): [string, number][] {
  return [...map].map(([key, value]): [string, number] => [key, Math.round(value)]).sort(([a], [b]) => a.localeCompare(b));
}

/** Fails unless `released` has the keys of `truth`, each value within TOLERANCE of the true one. */
function assertMatches(released: ReadonlyMap<string, number>, truth: ReadonlyMap<string, number>, what: string): void {
  assert.deepEqual([...released.keys()].sort(), [...truth.keys()].sort(), `${what}: released series differ from the requests made`);
  for (const [key, expected] of truth) {
    const actual = released.get(key)!;
    assert.ok(Math.abs(actual - expected) <= TOLERANCE, `${what}, ${key}: released ${actual}, true ${expected}`);
  }
}

describe('a traced API through otel-dp: private calls, errors and latency per route', () => {
  for (const [protocol, compression, durationHistogram] of [
    ['http/json', 'none', 'explicit'],
    ['http/protobuf', 'gzip', 'explicit'],
    ['grpc', 'gzip', 'exponential'],
  ] as const) {
    test(`${protocol} trace exporter (${compression}), ${durationHistogram} durations, ε = ${HUGE_EPSILON}: released calls and errors equal the truth, durations count the calls, no token or id leaves`, { timeout: CASE_TIMEOUT_MILLIS }, async (t) => {
      const backend = await OtlpBackend.start();
      t.after(() => backend.close());
      const sidecar = await SidecarProcess.start(
        sidecarFlags({ epsilon: HUGE_EPSILON, mechanism: 'laplace', maxSeriesPerToken: MAX_SERIES_PER_TOKEN, callsClip: CALLS_CLIP, spanNames: ROUTES.map(spanName), backend, durationHistogram }),
      );
      t.after(() => sidecar.kill());
      const api = await TracedApi.start({ protocol, url: traceUrl(sidecar, protocol), compression });
      t.after(() => api.close());

      const tokens = makeTokens(TOKENS);
      const truth = new Map<string, number>();
      const trafficDeadline = Date.now() + TRAFFIC_DEADLINE_MILLIS;
      for (const [index, token] of tokens.entries()) {
        for (const route of ROUTES) {
          for (let i = 0; i < REQUESTS_PER_TOKEN_AND_ROUTE; i++) {
            assert.ok(Date.now() < trafficDeadline, `the API's requests took over ${TRAFFIC_DEADLINE_MILLIS} ms`);
            const status = await api.call(route, token, (index + i) % 3 === 0);
            const key = routeStatusKey(spanName(route), status >= 500 ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_UNSET');
            truth.set(key, (truth.get(key) ?? 0) + 1);
          }
        }
      }
      await api.flush();
      const requests = TOKENS * ROUTES.length * REQUESTS_PER_TOKEN_AND_ROUTE;
      assert.equal(api.spans.length, requests, 'one server span per request');
      assert.ok(api.spans.every((span) => span.token !== undefined && tokens.includes(span.token)), 'the request hook put the API key on every span');
      // Both outcomes happen: errors on the flaky and the failing route, successes on the others.
      assert.ok((truth.get(routeStatusKey(spanName('/v1/embeddings'), 'STATUS_CODE_ERROR')) ?? 0) > 0);
      assert.ok((truth.get(routeStatusKey(spanName('/v1/embeddings'), 'STATUS_CODE_UNSET')) ?? 0) > 0);
      assert.equal(truth.get(routeStatusKey(spanName('/v1/broken'), 'STATUS_CODE_ERROR')), TOKENS * REQUESTS_PER_TOKEN_AND_ROUTE);

      const expected = sortedEntries(truth);
      await settle(() => JSON.stringify(sortedEntries(withoutZeros(releasedCalls(backend.requests), TOLERANCE))) === JSON.stringify(expected), RELEASE_WAIT_MILLIS);
      assert.deepEqual(await sidecar.stop(), { code: 0, signal: null }, sidecar.describe());
      assert.deepEqual(backend.failures, []);

      const calls = withoutZeros(releasedCalls(backend.requests), TOLERANCE);
      assertMatches(calls, truth, 'calls');
      assertMatches(withoutZeros(releasedDurationCounts(backend.requests), TOLERANCE), truth, 'duration histogram counts');
      const durationKinds = new Set(
        backend.requests.flatMap((r) => r.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics.filter((m) => m.name === SPAN_DURATION_METRIC).map((m) => (m.histogram !== undefined ? 'explicit' : 'exponential'))))),
      );
      assert.deepEqual([...durationKinds], [durationHistogram], 'the duration histogram has the kind asked for');

      // Only the span metrics' dimensions; no span attribute (url, method, route, the key) is copied.
      const keys = [...attributeKeysSeen(backend.requests)].sort();
      assert.deepEqual(keys.filter((key) => !['service.name', 'span.name', 'span.kind', 'status.code'].includes(key)), [], `attribute keys released: ${keys.join(', ')}`);
      for (const point of releasedPoints(backend.requests, SPAN_CALLS_METRIC)) assert.equal(point.attributes['span.kind'], 'SPAN_KIND_SERVER');

      const leaks: string[] = [];
      const searchBytes = (label: string, needle: Buffer): void => {
        const hits = backend.received.filter((r) => r.bytes.includes(needle) || r.wireBytes.includes(needle));
        if (hits.length > 0) leaks.push(`${label} in ${hits.length} request(s)`);
      };
      for (const token of tokens) {
        searchBytes(`token ${token}`, Buffer.from(token, 'utf8'));
        if (backend.requestsContaining(token).length > 0) leaks.push(`token ${token} in headers`);
        if (sidecar.stderr.includes(token) || sidecar.stdout.includes(token)) leaks.push(`token ${token} in the sidecar's output`);
      }
      for (const span of api.spans) {
        for (const [label, hex] of [
          ['trace id', span.traceId],
          ['span id', span.spanId],
        ] as const) {
          searchBytes(`${label} ${hex} (hex)`, Buffer.from(hex, 'utf8'));
          searchBytes(`${label} ${hex} (bytes)`, Buffer.from(hex, 'hex'));
          searchBytes(`${label} ${hex} (base64)`, Buffer.from(Buffer.from(hex, 'hex').toString('base64'), 'utf8'));
        }
      }
      assert.deepEqual(leaks, []);
      // The search does find what is there: the span names are released by design.
      assert.ok(backend.received.some((r) => r.bytes.includes(Buffer.from(spanName('/v1/chat'), 'utf8'))), 'the byte search finds a released span name');
      t.diagnostic(`${protocol}: ${requests} requests, ${backend.received.length} exports received, released ${JSON.stringify(sortedEntries(calls))}`);
    });
  }
});

/**
 * Noise at ε = 1. Forty more routes are declared public but never called;
 * one call to /v1/chat makes the calls metric appear, and from that window
 * on every declared combination is released every window (DESIGN.md,
 * public series), so the 80 series of the unused routes (two statuses each)
 * release noise around a truth of 0. k = 3 (a token's calls, 1 unit, and its
 * duration histogram, 2), C = 10, delta output and `--counter-projection
 * none`, so each released value is one draw of the mechanism's noise.
 *
 * Samples: 80 a window over at least 5 windows, 400 or more; the interval's
 * false-alarm rate is 5e-7 and its width must exclude σ off by a factor of
 * two (asserted, as in noise-spread.test.ts).
 */
const NOISE_EPSILON = 1;
const NOISE_K = 3;
const NOISE_CLIP = 10;
const UNUSED_ROUTES = Array.from({ length: 40 }, (_, i) => `/v1/unused-${i}`);
const NOISE_WINDOWS = 5;
const SPREAD_FALSE_ALARM = 5e-7;
const MEAN_FALSE_ALARM = 1e-7;

describe('a traced API through otel-dp at ε = 1: the span metrics carry the configured noise', () => {
  for (const mechanism of ['laplace', 'gaussian'] as const) {
    test(mechanism, { timeout: CASE_TIMEOUT_MILLIS }, async (t) => {
      const config: DpProcessorConfig = {
        ...DEFAULT_DP_CONFIG,
        windowMillis: WINDOW_MILLIS,
        epsilon: NOISE_EPSILON,
        delta: DELTA,
        mechanism,
        maxSeriesPerToken: NOISE_K,
        clip: [{ pattern: SPAN_CALLS_METRIC, lower: 0, upper: NOISE_CLIP }],
        outputTemporality: 'delta',
        counterProjection: 'none',
      };
      const sigma = await reportedNoiseStdDev(config, SPAN_CALLS_METRIC, NOISE_CLIP);
      const backend = await OtlpBackend.start();
      t.after(() => backend.close());
      const unused = UNUSED_ROUTES.map(spanName);
      const sidecar = await SidecarProcess.start(
        sidecarFlags({ epsilon: NOISE_EPSILON, mechanism, maxSeriesPerToken: NOISE_K, callsClip: NOISE_CLIP, spanNames: [spanName('/v1/chat'), ...unused], backend }),
      );
      t.after(() => sidecar.kill());
      const api = await TracedApi.start({ protocol: 'http/protobuf', url: sidecar.httpTracesUrl });
      t.after(() => api.close());

      assert.equal(await api.call('/v1/chat', makeTokens(1)[0]), 200);
      await api.flush();

      const unusedSet = new Set(unused);
      const windowsOfNoise = (): Map<bigint, number[]> => {
        const windows = new Map<bigint, number[]>();
        for (const point of releasedPoints(backend.requests, SPAN_CALLS_METRIC)) {
          if (!unusedSet.has(point.attributes['span.name'] ?? '')) continue;
          const values = windows.get(point.startTimeUnixNano) ?? [];
          values.push(point.value);
          windows.set(point.startTimeUnixNano, values);
        }
        return windows;
      };
      try {
        await backend.waitFor(() => windowsOfNoise().size >= NOISE_WINDOWS, { what: `${NOISE_WINDOWS} windows of span metrics`, timeoutMillis: (NOISE_WINDOWS + 10) * WINDOW_MILLIS });
      } catch (error) {
        if (!(error instanceof WaitTimeoutError)) throw error;
        assert.fail(`${error.message}: got ${windowsOfNoise().size}\n${sidecar.describe()}`);
      }
      assert.deepEqual(await sidecar.stop(), { code: 0, signal: null }, sidecar.describe());
      assert.deepEqual(backend.failures, []);

      const samples: number[] = [];
      for (const [start, values] of windowsOfNoise()) {
        assert.equal(values.length, unused.length * STATUSES.length, `window starting at ${start} ns released ${values.length} of the unused routes' series`);
        samples.push(...values);
      }
      const spread = assessSpread({ mechanism, sigma, samples, falseAlarm: SPREAD_FALSE_ALARM });
      const mean = assessMean({ sigma, samples, falseAlarm: MEAN_FALSE_ALARM });
      t.diagnostic(
        `${mechanism}: σ=${sigma.toFixed(3)}, n=${samples.length}, S/E[S]=${spread.ratio.toFixed(3)} ` +
          `(accept ${(spread.lower / spread.degreesOfFreedom).toFixed(3)}..${(spread.upper / spread.degreesOfFreedom).toFixed(3)}), mean=${mean.mean.toFixed(3)} (|mean| ≤ ${mean.limit.toFixed(3)})`,
      );
      assert.ok(spread.missWhenDouble < 1e-6 && spread.missWhenHalf < 1e-6, `too few samples: ${JSON.stringify(spread)}`);
      assert.ok(
        spread.statistic >= spread.lower && spread.statistic <= spread.upper,
        `spread statistic ${spread.statistic} outside [${spread.lower}, ${spread.upper}]: the noise is ${Math.pow(spread.ratio, mechanism === 'gaussian' ? 0.5 : 1).toFixed(3)}× the configured σ`,
      );
      assert.ok(Math.abs(mean.mean) <= mean.limit, `mean noise ${mean.mean} beyond ±${mean.limit}`);
    });
  }
});
