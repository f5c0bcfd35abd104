import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_DP_CONFIG, type DpProcessorConfig } from '@otel-dp/processor-dp';
import { OtlpBackend } from '../support/otlp-backend.js';
import { assertTotalsWithin, attributeKeysSeen, releasedPoints, releasedTotals } from '../support/released-values.js';
import { reportedNoiseStdDev } from '../support/reported-noise.js';
import { makeTokens, recordRequestWorkload, REQUESTS_METRIC, ROUTE_ATTRIBUTE, SdkApp, TOKEN_ATTRIBUTE, type SdkProtocol } from '../support/sdk-app.js';
import { SidecarProcess } from '../support/sidecar-process.js';

/**
 * The whole path at a budget so large that the noise is negligible: the real
 * OTel SDK exports to `otel-dp run`, which releases to a real OTLP backend,
 * and the released per-route totals must equal what the application
 * recorded, to within TOLERANCE, so every integer total is recovered exactly.
 *
 * At ε = 1e9 the noise is small only when the clip bound C is: Gaussian σ is
 * √k·C/√(2ρ(1 − s)) per window with ρ < ε, so C = 1e5 would give σ ≈ 10.
 * C = 20 is above the most a token adds to a route in a window (2 phases of
 * at most 9), so clipping changes nothing, and σ is about 0.002 per window;
 * a running total over a case's at most 60 windows has √60 times that, and
 * the monotone projection may move it by about as much again: TOLERANCE is
 * over ten times both. Laplace's b = k·C/(ε(1 − s)) is
 * smaller still, 4e-7 per window.
 */
const WINDOW_MILLIS = 1000;
const EPSILON = 1e9;
const DELTA = 1e-6;
const CLIP_UPPER = 20;
const MAX_SERIES_PER_TOKEN = 10;
const TOLERANCE = 0.5;

/** Every token calls every route, so each route has 200 tokens and passes partition selection. */
const TOKEN_COUNT = 200;
const ROUTES = ['/v1/chat', '/v1/embeddings', '/v1/files'];
/** Called by one token only: partition selection must hide it (it may leak with probability δ/2 per window). */
const LONE_ROUTE = '/v1/admin';
const PHASES = 2;
const CASE_TIMEOUT_MILLIS = 60_000;

interface Case {
  sdkProtocol: SdkProtocol;
  sdkCompression: 'gzip' | 'none';
  sdkTemporality: 'cumulative' | 'delta';
  sidecarProtocol: SdkProtocol;
  sidecarCompression: 'gzip' | 'none';
  outputTemporality: 'cumulative' | 'delta';
  mechanism: 'gaussian' | 'laplace';
}

/** Each SDK exporter and each sidecar protocol appears once per output temporality; each mechanism once per output temporality at least. */
const CASES: Case[] = [
  { sdkProtocol: 'http/json', sdkCompression: 'gzip', sdkTemporality: 'cumulative', sidecarProtocol: 'grpc', sidecarCompression: 'gzip', outputTemporality: 'cumulative', mechanism: 'gaussian' },
  { sdkProtocol: 'http/protobuf', sdkCompression: 'none', sdkTemporality: 'cumulative', sidecarProtocol: 'http/json', sidecarCompression: 'none', outputTemporality: 'cumulative', mechanism: 'laplace' },
  { sdkProtocol: 'grpc', sdkCompression: 'gzip', sdkTemporality: 'cumulative', sidecarProtocol: 'http/protobuf', sidecarCompression: 'gzip', outputTemporality: 'cumulative', mechanism: 'gaussian' },
  { sdkProtocol: 'http/json', sdkCompression: 'none', sdkTemporality: 'delta', sidecarProtocol: 'http/protobuf', sidecarCompression: 'gzip', outputTemporality: 'delta', mechanism: 'laplace' },
  { sdkProtocol: 'http/protobuf', sdkCompression: 'gzip', sdkTemporality: 'delta', sidecarProtocol: 'grpc', sidecarCompression: 'none', outputTemporality: 'delta', mechanism: 'gaussian' },
  { sdkProtocol: 'grpc', sdkCompression: 'none', sdkTemporality: 'delta', sidecarProtocol: 'http/json', sidecarCompression: 'gzip', outputTemporality: 'delta', mechanism: 'gaussian' },
];

function processorConfig(c: Case): DpProcessorConfig {
  return {
    ...DEFAULT_DP_CONFIG,
    windowMillis: WINDOW_MILLIS,
    epsilon: EPSILON,
    delta: DELTA,
    mechanism: c.mechanism,
    clip: [{ pattern: REQUESTS_METRIC, lower: 0, upper: CLIP_UPPER }],
    maxSeriesPerToken: MAX_SERIES_PER_TOKEN,
    outputTemporality: c.outputTemporality,
  };
}

function privacyFlags(c: Case): string[] {
  return [
    '--window', `${WINDOW_MILLIS}ms`,
    '--epsilon', String(EPSILON),
    '--delta', String(DELTA),
    '--mechanism', c.mechanism,
    '--clip', `${REQUESTS_METRIC}=0:${CLIP_UPPER}`,
    '--max-series-per-token', String(MAX_SERIES_PER_TOKEN),
    '--output-temporality', c.outputTemporality,
  ];
}

function caseName(c: Case): string {
  return `SDK ${c.sdkProtocol} (${c.sdkTemporality}, ${c.sdkCompression}) → otel-dp ${c.mechanism} → ${c.sidecarProtocol} (${c.outputTemporality}, ${c.sidecarCompression})`;
}

describe('released totals at ε = 1e9 equal the truth, and no token reaches the backend', { concurrency: true }, () => {
  for (const c of CASES) {
    test(caseName(c), { timeout: CASE_TIMEOUT_MILLIS }, async (t) => {
      // A case lasts at most CASE_TIMEOUT_MILLIS: a running total sums at most that many windows' noise.
      const sigma = await reportedNoiseStdDev(processorConfig(c), REQUESTS_METRIC, CLIP_UPPER);
      const windows = CASE_TIMEOUT_MILLIS / WINDOW_MILLIS;
      assert.ok(20 * sigma * Math.sqrt(windows) < TOLERANCE, `σ ${sigma} is too large for a ±${TOLERANCE} comparison`);

      const backend = await OtlpBackend.start();
      t.after(() => backend.close());
      const sidecar = await SidecarProcess.start([
        ...privacyFlags(c),
        '--otlp-endpoint', backend.endpoint(c.sidecarProtocol),
        '--otlp-protocol', c.sidecarProtocol,
        '--otlp-compression', c.sidecarCompression,
        '--log-level', 'debug',
      ]);
      t.after(() => sidecar.kill());

      const app = new SdkApp({
        protocol: c.sdkProtocol,
        url: c.sdkProtocol === 'grpc' ? sidecar.grpcUrl : sidecar.httpMetricsUrl,
        compression: c.sdkCompression,
        temporality: c.sdkTemporality,
      });
      const tokens = makeTokens(TOKEN_COUNT);
      const truth = await recordRequestWorkload(app, { tokens, routes: ROUTES, phases: PHASES });
      app.add(REQUESTS_METRIC, 5, { [ROUTE_ATTRIBUTE]: LONE_ROUTE, [TOKEN_ATTRIBUTE]: tokens[0] });
      await app.flush();
      await app.shutdown();

      // SIGTERM releases the open window and drains the exporter before exit.
      const exit = await sidecar.stop();
      assert.deepEqual(exit, { code: 0, signal: null }, sidecar.describe());
      assert.deepEqual(backend.failures, [], 'the backend refused something the sidecar sent');
      assert.ok(backend.received.length > 0, `nothing reached the backend\n${sidecar.describe()}`);
      assert.ok(
        backend.received.every((r) => r.transport === c.sidecarProtocol),
        `the backend saw ${[...new Set(backend.received.map((r) => r.transport))].join(', ')}, expected only ${c.sidecarProtocol}`,
      );

      await t.test('a route only one token called is not released', () => {
        const routes = new Set(releasedPoints(backend.requests, REQUESTS_METRIC).map((p) => p.attributes[ROUTE_ATTRIBUTE]));
        assert.ok(!routes.has(LONE_ROUTE), `${LONE_ROUTE} was released`);
      });

      await t.test('per-route totals equal the recorded truth', () => {
        const points = releasedPoints(backend.requests, REQUESTS_METRIC).map((p) => `${p.attributes[ROUTE_ATTRIBUTE]} ${p.value} (${p.startTimeUnixNano}, ${p.timeUnixNano}]`);
        assertTotalsWithin(releasedTotals(backend.requests, REQUESTS_METRIC, ROUTE_ATTRIBUTE), truth, TOLERANCE, `${points.join('\n')}\n${sidecar.describe()}`);
      });

      await t.test('no byte of any token, nor the token attribute key, reaches the backend', () => {
        // The same search finds what the release does carry, so it would find a token.
        assert.ok(backend.requestsContaining(ROUTES[0]).length > 0, `the search does not find ${ROUTES[0]} in what the backend received`);
        assert.ok(!attributeKeysSeen(backend.requests).has(TOKEN_ATTRIBUTE), `${TOKEN_ATTRIBUTE} is an attribute key at the backend`);
        const keyLeaks = backend.requestsContaining(TOKEN_ATTRIBUTE);
        assert.equal(keyLeaks.length, 0, `${keyLeaks.length} request bodies contain "${TOKEN_ATTRIBUTE}"`);
        const leaked = tokens.filter((token) => backend.requestsContaining(token).length > 0);
        assert.equal(leaked.length, 0, `${leaked.length} of ${tokens.length} tokens appear in request bodies at the backend`);
      });

      if (c.sidecarProtocol !== 'grpc') {
        await t.test(`the exporter sends with --otlp-compression ${c.sidecarCompression}`, () => {
          const encodings = new Set(backend.received.map((r) => r.headers['content-encoding'] ?? 'none'));
          assert.deepEqual([...encodings], [c.sidecarCompression]);
        });
      }

      await t.test('no token appears in the sidecar logs or stdout, even at debug level', () => {
        const output = sidecar.stdout + sidecar.stderr;
        assert.ok(sidecar.logLines().length > 0, 'the sidecar logged nothing');
        const leaked = tokens.filter((token) => output.includes(token));
        assert.equal(leaked.length, 0, `${leaked.length} tokens appear in the sidecar output`);
      });
    });
  }
});
