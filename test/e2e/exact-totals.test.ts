import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OtlpBackend } from '../support/otlp-backend.js';
import { attributeKeysSeen, releasedTotals } from '../support/released-values.js';
import { makeTokens, recordRequestWorkload, REQUESTS_METRIC, ROUTE_ATTRIBUTE, SdkApp, TOKEN_ATTRIBUTE, type SdkProtocol } from '../support/sdk-app.js';
import { SidecarProcess } from '../support/sidecar-process.js';

/**
 * The whole path at a budget so large that the noise vanishes: the real OTel
 * SDK exports to `otel-dp run`, which releases to a real OTLP backend, and
 * the released per-route totals must equal what the application recorded.
 *
 * The mechanism is Laplace: its value scale b = k·C/(ε·(1 − s)) is 2e-8 per
 * unit here, 0.032 grid steps, so a non-zero noise draw has probability
 * about 5e-14. Gaussian noise cannot vanish this way: zCDP's ρ never exceeds
 * ε, so σ = √k·C/√(2ρ(1 − s)) is at least √10·1e5/√1e9 = 10 with these
 * bounds; the Gaussian path is checked for its spread in noise-spread.test.
 */
const PRIVACY_FLAGS = [
  '--window', '1s',
  '--epsilon', '1e9',
  '--delta', '1e-6',
  '--mechanism', 'laplace',
  '--clip', `${REQUESTS_METRIC}=0:100000`,
  '--max-series-per-token', '10',
];

/** Every token calls every route, so each route has 200 tokens and passes partition selection. */
const TOKEN_COUNT = 200;
const ROUTES = ['/v1/chat', '/v1/embeddings', '/v1/files'];
const PHASES = 2;
const CASE_TIMEOUT_MILLIS = 60_000;

interface Case {
  sdkProtocol: SdkProtocol;
  sdkCompression: 'gzip' | 'none';
  sdkTemporality: 'cumulative' | 'delta';
  sidecarProtocol: SdkProtocol;
  sidecarCompression: 'gzip' | 'none';
  outputTemporality: 'cumulative' | 'delta';
}

/** Each SDK exporter and each sidecar protocol appears once per output temporality. */
const CASES: Case[] = [
  { sdkProtocol: 'http/json', sdkCompression: 'gzip', sdkTemporality: 'cumulative', sidecarProtocol: 'grpc', sidecarCompression: 'gzip', outputTemporality: 'cumulative' },
  { sdkProtocol: 'http/protobuf', sdkCompression: 'none', sdkTemporality: 'cumulative', sidecarProtocol: 'http/json', sidecarCompression: 'none', outputTemporality: 'cumulative' },
  { sdkProtocol: 'grpc', sdkCompression: 'gzip', sdkTemporality: 'cumulative', sidecarProtocol: 'http/protobuf', sidecarCompression: 'gzip', outputTemporality: 'cumulative' },
  { sdkProtocol: 'http/json', sdkCompression: 'none', sdkTemporality: 'delta', sidecarProtocol: 'http/protobuf', sidecarCompression: 'gzip', outputTemporality: 'delta' },
  { sdkProtocol: 'http/protobuf', sdkCompression: 'gzip', sdkTemporality: 'delta', sidecarProtocol: 'grpc', sidecarCompression: 'none', outputTemporality: 'delta' },
  { sdkProtocol: 'grpc', sdkCompression: 'none', sdkTemporality: 'delta', sidecarProtocol: 'http/json', sidecarCompression: 'gzip', outputTemporality: 'delta' },
];

function caseName(c: Case): string {
  return `SDK ${c.sdkProtocol} (${c.sdkTemporality}, ${c.sdkCompression}) → otel-dp → ${c.sidecarProtocol} (${c.outputTemporality}, ${c.sidecarCompression})`;
}

describe('released totals at ε = 1e9 equal the truth, and no token reaches the backend', { concurrency: true }, () => {
  for (const c of CASES) {
    test(caseName(c), { timeout: CASE_TIMEOUT_MILLIS }, async (t) => {
      const backend = await OtlpBackend.start();
      t.after(() => backend.close());
      const sidecar = await SidecarProcess.start([
        ...PRIVACY_FLAGS,
        '--output-temporality', c.outputTemporality,
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

      await t.test('per-route totals equal the recorded truth', () => {
        const released = releasedTotals(backend.requests, REQUESTS_METRIC, ROUTE_ATTRIBUTE);
        assert.deepEqual(Object.fromEntries(released), Object.fromEntries(truth));
      });

      await t.test('no byte of any token, nor the token attribute key, reaches the backend', () => {
        assert.ok(!attributeKeysSeen(backend.requests).has(TOKEN_ATTRIBUTE), `${TOKEN_ATTRIBUTE} is an attribute key at the backend`);
        const keyLeaks = backend.requestsContaining(TOKEN_ATTRIBUTE);
        assert.equal(keyLeaks.length, 0, `${keyLeaks.length} request bodies contain "${TOKEN_ATTRIBUTE}"`);
        const leaked = tokens.filter((token) => backend.requestsContaining(token).length > 0);
        assert.equal(leaked.length, 0, `${leaked.length} of ${tokens.length} tokens appear in request bodies at the backend`);
      });

      await t.test('no token appears in the sidecar logs or stdout, even at debug level', () => {
        const output = sidecar.stdout + sidecar.stderr;
        assert.ok(sidecar.logLines().length > 0, 'the sidecar logged nothing');
        const leaked = tokens.filter((token) => output.includes(token));
        assert.equal(leaked.length, 0, `${leaked.length} tokens appear in the sidecar output`);
      });
    });
  }
});
