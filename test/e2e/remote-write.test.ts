import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PrometheusProcess } from '../support/prometheus-process.js';
import { assertTotalsWithin } from '../support/released-values.js';
import { makeTokens, recordRequestWorkload, REQUESTS_METRIC, SdkApp, TOKEN_ATTRIBUTE } from '../support/sdk-app.js';
import { SidecarProcess } from '../support/sidecar-process.js';

/**
 * Released windows written into a real Prometheus with remote write and
 * read back through its query API. The OTel SDK's `http.server.requests`
 * (a monotonic cumulative sum without unit) becomes the counter
 * `http_server_requests_total` with `http_route` and `job` = service.name
 * labels, as the exporter-prometheus README spells out.
 *
 * At ε = 1e9 with a clip of 20 (above the most a token adds to a route in a
 * window: 2 phases of at most 9) a running total's noise is below 0.05
 * (see exact-totals.test), so the released totals are the recorded ones.
 */
const FLAGS = ['--window', '1s', '--epsilon', '1e9', '--clip', `${REQUESTS_METRIC}=0:20`];
const PROMETHEUS_NAME = 'http_server_requests_total';
const ROUTES = ['/v1/chat', '/v1/embeddings', '/v1/files'];
/** Two per route at least, so each passes partition selection; five for margin. */
const TOKEN_COUNT = 5;
const TOLERANCE = 0.5;

/** `http.server.requests {http.route=/v1/chat, service.name=…} sum 12 ±0.01 this window, total 34 ±0.02 cumulative`: the route and the running total. */
const DEBUG_LINE = /^\s+http\.server\.requests \{(?:[^}]*, )?http\.route=([^,}]+)[^}]*\} sum \S+ ±\S+ this window, total (\S+) ±/;

let prometheus: PrometheusProcess;

before(async () => {
  prometheus = await PrometheusProcess.start();
});
after(() => prometheus?.stop());

/** Runs the workload through a sidecar with `exporterFlags`; returns the truth per route and the stopped sidecar. */
async function releaseWorkload(job: string, exporterFlags: string[]): Promise<{ truth: Map<string, number>; tokens: string[]; sidecar: SidecarProcess }> {
  const sidecar = await SidecarProcess.start([...FLAGS, ...exporterFlags, '--remote-write-url', prometheus.remoteWriteUrl]);
  try {
    const app = new SdkApp({ protocol: 'http/protobuf', url: sidecar.httpMetricsUrl, serviceName: job });
    const tokens = makeTokens(TOKEN_COUNT);
    const truth = await recordRequestWorkload(app, { tokens, routes: ROUTES, phases: 2 });
    await app.shutdown();
    assert.deepEqual(await sidecar.stop(), { code: 0, signal: null }, sidecar.describe());
    return { truth, tokens, sidecar };
  } finally {
    sidecar.kill();
  }
}

/** The latest value of the counter per route for `job`, read back from Prometheus. */
async function queriedTotals(job: string): Promise<Map<string, number>> {
  // The last window's samples carry its end, up to a window ahead of now.
  const samples = await prometheus.query(`${PROMETHEUS_NAME}{job="${job}"}`, Date.now() + 2_000);
  const totals = new Map<string, number>();
  for (const sample of samples) {
    const route = sample.metric.http_route;
    assert.ok(route !== undefined && !totals.has(route), `unexpected series ${JSON.stringify(sample.metric)}`);
    totals.set(route, sample.value);
  }
  return totals;
}

async function assertNoTokenInPrometheus(job: string, tokens: readonly string[]): Promise<void> {
  const series = await prometheus.series(`{job="${job}"}`);
  assert.ok(series.length > 0, `no series with job="${job}"`);
  const text = JSON.stringify(series);
  assert.ok(!text.includes('api_token') && !text.includes(TOKEN_ATTRIBUTE), 'the token attribute is a label');
  assert.deepEqual(tokens.filter((token) => text.includes(token)), [], 'a token value is a label value');
}

describe('Prometheus remote write into a real Prometheus', { concurrency: true }, () => {
  test('--exporter prometheus-remote-write: the per-route totals read back through /api/v1/query', { timeout: 60_000 }, async () => {
    const job = 'e2e-remote-write';
    const { truth, tokens, sidecar } = await releaseWorkload(job, ['--exporter', 'prometheus-remote-write']);
    assertTotalsWithin(await queriedTotals(job), truth, TOLERANCE, `${sidecar.describe()}\n${prometheus.describe()}`);
    const series = await prometheus.series(`${PROMETHEUS_NAME}{job="${job}"}`);
    for (const labels of series) assert.equal(labels.otel_scope_name, 'e2e-app', JSON.stringify(labels));
    await assertNoTokenInPrometheus(job, tokens);
  });

  test('--exporter debug --exporter prometheus-remote-write: each window printed and written', { timeout: 60_000 }, async () => {
    const job = 'e2e-debug-and-remote-write';
    const { truth, tokens, sidecar } = await releaseWorkload(job, ['--exporter', 'debug', '--exporter', 'prometheus-remote-write']);
    assertTotalsWithin(await queriedTotals(job), truth, TOLERANCE, `${sidecar.describe()}\n${prometheus.describe()}`);

    const printed = new Map<string, number>();
    for (const line of sidecar.stdout.split('\n')) {
      const match = DEBUG_LINE.exec(line);
      if (match !== null) printed.set(match[1], Number(match[2]));
    }
    assertTotalsWithin(printed, truth, TOLERANCE, sidecar.stdout.slice(-3000));
    await assertNoTokenInPrometheus(job, tokens);
    assert.deepEqual(tokens.filter((token) => sidecar.stdout.includes(token)), [], 'a token value is printed');
  });
});
