import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test, type TestContext } from 'node:test';
import { countDataPoints, decodeMetricsRequestJson, type ExportMetricsServiceRequest, type ResourceMetrics } from '@otel-dp/otlp';
import { OtlpBackend } from '../support/otlp-backend.js';
import { postMetrics, stringAttribute, sumRequest, withoutUndefined, type HttpEncoding } from '../support/otlp-requests.js';
import { assertTotalsWithin, releasedTotals } from '../support/released-values.js';
import {
  JOBS_METRIC,
  makeTokens,
  QUEUE_ATTRIBUTE,
  recordRequestWorkload,
  recordUntokenedJobs,
  REQUESTS_METRIC,
  ROUTE_ATTRIBUTE,
  SdkApp,
  TOKEN_ATTRIBUTE,
} from '../support/sdk-app.js';
import { SidecarProcess } from '../support/sidecar-process.js';

/**
 * Points without a token: dropped and reported as rejected by default (the
 * SDK cannot show a partial success, so requests are also POSTed by hand),
 * forwarded untouched with `--untokened pass`.
 */
/** The shared test data sits beside the repository. */
const EXAMPLE_PATH = new URL('../../testdata/otlp-example-metrics.json', import.meta.url);
/** Tokened sums come out within ±0.5 of the truth at this budget and bound (see exact-totals.test). */
const NEAR_NOISELESS_FLAGS = ['--window', '1s', '--epsilon', '1e9', '--clip', '*=0:20'];
const TOLERANCE = 0.5;
const JOBS_PER_QUEUE = { emails: 17, invoices: 5, thumbnails: 42 };

/** Five untokened points on `metric`, each with an exemplar (which forwarding must drop). */
function untokenedRequest(metric: string): ExportMetricsServiceRequest {
  const points = [3, 1, 4, 1, 5].map((value, i) => ({ attributes: [stringAttribute('shard', `s${i}`)], value }));
  return sumRequest([{ metric, points, withExemplars: true }]);
}

function resourceMetricsOf(requests: readonly ExportMetricsServiceRequest[], metric: string): ResourceMetrics[] {
  return requests.flatMap((r) => r.resourceMetrics).filter((rm) => rm.scopeMetrics.some((sm) => sm.metrics.some((m) => m.name === metric)));
}

function withoutExemplars(request: ExportMetricsServiceRequest): ResourceMetrics[] {
  const copy = structuredClone(request);
  for (const rm of copy.resourceMetrics) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) for (const p of m.sum?.dataPoints ?? []) p.exemplars = [];
  return copy.resourceMetrics;
}

async function startPair(t: TestContext, extraFlags: string[]): Promise<{ backend: OtlpBackend; sidecar: SidecarProcess }> {
  const backend = await OtlpBackend.start();
  t.after(() => backend.close());
  const sidecar = await SidecarProcess.start([...NEAR_NOISELESS_FLAGS, ...extraFlags, '--otlp-endpoint', backend.endpoint('http/protobuf')]);
  t.after(() => sidecar.kill());
  return { backend, sidecar };
}

describe('untokened data', { concurrency: true }, () => {
  test('is dropped by default and reported as rejected, naming the token attribute', { timeout: 60_000 }, async (t) => {
    const { backend, sidecar } = await startPair(t, []);

    for (const encoding of ['protobuf', 'json'] as HttpEncoding[]) {
      await t.test(`hand-built ${encoding} request: all 5 points rejected`, async () => {
        const result = await postMetrics(sidecar.httpMetricsUrl, untokenedRequest(`batch.jobs.${encoding}`), encoding);
        assert.equal(result.status, 200, result.text);
        assert.match(result.contentType, encoding === 'json' ? /^application\/json/ : /^application\/x-protobuf/);
        assert.equal(result.response?.partialSuccess?.rejectedDataPoints, 5n);
        const message = result.response?.partialSuccess?.errorMessage ?? '';
        assert.match(message, /\b5\b/, 'the message gives the count');
        assert.ok(message.includes(TOKEN_ATTRIBUTE), `the message "${message}" does not name ${TOKEN_ATTRIBUTE}`);
      });
    }

    await t.test('mixed request: only the untokened points are rejected', async () => {
      const tokens = makeTokens(2);
      const request = sumRequest([
        { metric: 'batch.mixed', points: tokens.map((token) => ({ attributes: [stringAttribute(TOKEN_ATTRIBUTE, token)], value: 2 })) },
        { metric: 'batch.mixed.untokened', points: [{ attributes: [], value: 7 }] },
      ]);
      const result = await postMetrics(sidecar.httpMetricsUrl, request, 'protobuf');
      assert.equal(result.status, 200, result.text);
      assert.equal(result.response?.partialSuccess?.rejectedDataPoints, 1n);
      assert.ok(!result.text.includes(tokens[0]) && !result.text.includes(tokens[1]), 'a token is echoed in the response');
    });

    await t.test('the shared example request is answered 200, rejecting all its points', async () => {
      const body = readFileSync(EXAMPLE_PATH, 'utf8');
      const pointCount = countDataPoints(decodeMetricsRequestJson(body));
      assert.equal(pointCount, 4, 'the example holds a sum, a gauge, a histogram and an exponential histogram point');
      const result = await postMetrics(sidecar.httpMetricsUrl, body, 'json');
      assert.equal(result.status, 200, result.text);
      assert.equal(result.response?.partialSuccess?.rejectedDataPoints, BigInt(pointCount));
      assert.ok(result.response?.partialSuccess?.errorMessage.includes(TOKEN_ATTRIBUTE), 'the message does not name the token attribute');
    });

    await t.test('SDK untokened meter provider: nothing of it reaches the backend, tokened data does', async () => {
      const jobsApp = new SdkApp({ protocol: 'http/json', url: sidecar.httpMetricsUrl, serviceName: 'e2e-worker' });
      await recordUntokenedJobs(jobsApp, JOBS_PER_QUEUE);
      await jobsApp.shutdown();
      const shopApp = new SdkApp({ protocol: 'grpc', url: sidecar.grpcUrl });
      const truth = await recordRequestWorkload(shopApp, { tokens: makeTokens(20), routes: ['/a', '/b'], phases: 1 });
      await shopApp.shutdown();

      assert.deepEqual(await sidecar.stop(), { code: 0, signal: null }, sidecar.describe());
      assert.deepEqual(backend.failures, []);
      assertTotalsWithin(releasedTotals(backend.requests, REQUESTS_METRIC, ROUTE_ATTRIBUTE), truth, TOLERANCE);
      for (const metric of [JOBS_METRIC, 'batch.jobs.protobuf', 'batch.jobs.json', 'batch.mixed.untokened', 'my.counter']) {
        assert.deepEqual(resourceMetricsOf(backend.requests, metric), [], `${metric} reached the backend`);
      }
    });
  });

  test('is forwarded untouched with --untokened pass', { timeout: 60_000 }, async (t) => {
    const { backend, sidecar } = await startPair(t, ['--untokened', 'pass']);

    for (const encoding of ['protobuf', 'json'] as HttpEncoding[]) {
      await t.test(`hand-built ${encoding} request: accepted whole, forwarded as sent without exemplars`, async () => {
        const metric = `batch.jobs.${encoding}`;
        const request = untokenedRequest(metric);
        const result = await postMetrics(sidecar.httpMetricsUrl, request, encoding);
        assert.equal(result.status, 200, result.text);
        assert.equal(result.response?.partialSuccess?.rejectedDataPoints ?? 0n, 0n);
        await backend.waitFor((b) => resourceMetricsOf(b.requests, metric).length > 0, { what: `${metric} at the backend`, timeoutMillis: 10_000 });
        assert.deepEqual(withoutUndefined(resourceMetricsOf(backend.requests, metric)), withoutUndefined(withoutExemplars(request)));
      });
    }

    await t.test('SDK untokened meter provider: exact values at the backend', async () => {
      const jobsApp = new SdkApp({ protocol: 'http/protobuf', url: sidecar.httpMetricsUrl, serviceName: 'e2e-worker', compression: 'gzip' });
      const truth = await recordUntokenedJobs(jobsApp, JOBS_PER_QUEUE);
      await jobsApp.shutdown();
      assert.deepEqual(await sidecar.stop(), { code: 0, signal: null }, sidecar.describe());
      assert.deepEqual(backend.failures, []);
      assert.deepEqual(Object.fromEntries(releasedTotals(backend.requests, JOBS_METRIC, QUEUE_ATTRIBUTE)), Object.fromEntries(truth));
    });
  });
});
