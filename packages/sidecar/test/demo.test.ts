import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type ExportMetricsServiceRequest } from '@otel-dp/otlp';
import { silentLogger, type BatchExporter, type ConsumeResult, type ExportBatch, type MetricsConsumer, type WindowSummary } from '@otel-dp/pipeline';
import { DEFAULT_DP_CONFIG } from '@otel-dp/processor-dp';
import { SyntheticApp } from '../src/demo/synthetic-app.js';
import { TrueCounts, tapTrueCounts } from '../src/demo/true-counts.js';
import { WindowReportPrinter, renderWindowTable } from '../src/demo/window-report.js';
import { JsonLinesLogger } from '../src/logger.js';
import { startSidecar } from '../src/start-sidecar.js';
import { waitFor } from './support/child.js';

/** How long the synthetic application of the delivery test sends. */
const TRAFFIC_MILLIS = 1_500;

const METRIC = 'http.server.requests';
const MS = 1_000_000n;

function attributes(method: string, route: string) {
  return [
    { key: 'http.request.method', value: { stringValue: method } },
    { key: 'http.route', value: { stringValue: route } },
  ];
}

function summary(series: WindowSummary['series'], suppressedSeries: number): WindowSummary {
  return { windowStartUnixNano: 10_000n * MS, windowEndUnixNano: 15_000n * MS, mechanism: 'gaussian', epsilon: 1, delta: 1e-6, series, suppressedSeries };
}

/** A request with one delta point per (method, route, value). */
function request(points: Array<[string, string, number]>): ExportMetricsServiceRequest {
  const dataPoints = points.map(([method, route, value]) => ({
    attributes: attributes(method, route),
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    asDouble: value,
    exemplars: [],
    flags: 0,
  }));
  const metric = { name: METRIC, description: '', unit: '', metadata: [], sum: { dataPoints, aggregationTemporality: 1, isMonotonic: true } };
  return { resourceMetrics: [{ scopeMetrics: [{ metrics: [metric], schemaUrl: '' }], schemaUrl: '' }] };
}

/** Tests run from dist/test; golden files live beside the sources. UPDATE_GOLDEN=1 rewrites them after a deliberate change (review the diff). */
function assertGolden(name: string, text: string): void {
  const file = new URL(`../../test/testdata/${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, text);
  assert.equal(text, readFileSync(file, 'utf8'));
}

const CLIP = { lower: 0, upper: 20 };

/** Per-token totals of one window: `[route, [token total, …]]`. */
function perToken(routes: Array<[string, number[]]>): Map<string, Map<string, number>> {
  return new Map(routes.map(([route, totals]) => [route, new Map(totals.map((value, i) => [`t${i}`, value]))]));
}

describe('renderWindowTable', () => {
  it('prints a row per route with the true total before and after clipping, the released value and σ, then the suppressed count', () => {
    const text = renderWindowTable(
      summary([], 2),
      new Map([
        ['GET /users', { raw: 1200, clipped: 1000 }],
        ['GET /health', { raw: 7, clipped: 7 }],
      ]),
      new Map([['GET /users', { value: 1234.56, sigma: 150.04 }]]),
    );
    assert.equal(
      text,
      [
        'window 00:00:10–00:00:15 UTC  gaussian, ε=1, δ=0.000001',
        '  route            true  clipped      released  noise σ',
        '  GET /users       1200     1000        1234.6    150.0',
        '  GET /orders         0        0  not released',
        '  POST /orders        0        0  not released',
        '  GET /health         7        7  not released',
        'suppressed series (held back by partition selection): 2',
        '',
        '',
      ].join('\n'),
    );
  });

  it('a whole demo run prints as the golden file says: partial windows marked, columns aligned, zero clamps flagged, a closing summary', async () => {
    // Three 5 s windows; traffic starts 2.5 s into the first and stops 1 s into the third.
    const counts = new TrueCounts(5_000, CLIP);
    let out = '';
    const printer = new WindowReportPrinter({ counts, metricName: METRIC, write: (text) => (out += text) });
    printer.traffic.startMillis = 12_500;
    printer.traffic.endMillis = 21_000;
    const windows: Array<{ at: number; truth: Array<[string, number[]]>; released: Array<[string, string, number]> }> = [
      { at: 12_600, truth: [['GET /users', [30, 10, 5]], ['GET /health', [2]]], released: [['GET', '/users', 31.5]] },
      { at: 16_000, truth: [['GET /users', [40, 25, 20, 3]], ['GET /orders', [12, 8]], ['GET /health', [1]]], released: [['GET', '/users', 60.25], ['GET', '/orders', 24], ['GET', '/health', 0]] },
      { at: 20_200, truth: [['GET /users', [9, 4]], ['GET /orders', [1]]], released: [['GET', '/users', 15], ['GET', '/orders', 0], ['GET', '/health', 0]] },
    ];
    for (const window of windows) {
      counts.add(perToken(window.truth), window.at);
      const start = BigInt(Math.floor(window.at / 5_000) * 5_000) * MS;
      const series = window.released.map(([method, route, value]) => ({ metric: METRIC, attributes: attributes(method, route), value, noiseStdDev: 4 }));
      await printer.export({ request: request([]), summary: { ...summary(series, 0), windowStartUnixNano: start, windowEndUnixNano: start + 5_000n * MS } });
    }
    out += printer.closingSummary();
    assertGolden('demo-run.txt', out);
  });
});

describe('TrueCounts and tapTrueCounts', () => {
  it('adds totals to the window of arrival and hands them out once', () => {
    const counts = new TrueCounts(5_000, CLIP);
    counts.add(perToken([['GET /users', [3]]]), 10_000);
    counts.add(perToken([['GET /users', [2, 30]], ['GET /health', [1]]]), 14_999);
    counts.add(perToken([['GET /users', [100]]]), 15_000);
    // t0 sent 3 + 2, t1 sent 30, clipped to 20.
    assert.deepEqual([...counts.take(10_000)], [['GET /users', { raw: 35, clipped: 25 }], ['GET /health', { raw: 1, clipped: 1 }]]);
    assert.equal(counts.take(10_000).size, 0, 'taken once');
    assert.deepEqual([...counts.take(15_000)], [['GET /users', { raw: 100, clipped: 20 }]]);
  });

  it('counts what the processor accepted, and takes back what it refused', async () => {
    const counts = new TrueCounts(3_600_000, CLIP);
    const seen: ExportMetricsServiceRequest[] = [];
    let refuse = false;
    const next: MetricsConsumer = {
      async consume(req): Promise<ConsumeResult> {
        if (refuse) throw new Error('window full');
        seen.push(req);
        return { rejectedDataPoints: 0, errorMessage: '' };
      },
    };
    const tap = tapTrueCounts(next, counts, { metricName: METRIC, tokenAttribute: 'api.token' }, silentLogger);
    const first = request([['GET', '/users', 2], ['GET', '/users', 3], ['POST', '/orders', 1]]);
    await tap.consume(first);
    assert.equal(seen[0], first, 'the request is handed on as is');
    refuse = true;
    await assert.rejects(tap.consume(request([['GET', '/users', 50]])), /window full/);
    const start = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    assert.deepEqual(Object.fromEntries(counts.take(start)), { 'GET /users': { raw: 5, clipped: 5 }, 'POST /orders': { raw: 1, clipped: 1 } });
  });
});

describe('WindowReportPrinter', () => {
  it('prints a table per DP release, with the true totals of that window, and ignores untouched data', async () => {
    const counts = new TrueCounts(5_000, CLIP);
    counts.add(perToken([['GET /users', [42]]]), 12_000);
    let out = '';
    const printer = new WindowReportPrinter({ counts, metricName: METRIC, write: (text) => (out += text) });
    await printer.export({ request: request([]) });
    assert.equal(out, '');
    await printer.export({ request: request([]), summary: summary([], 4) });
    assert.match(out, /^ {2}GET \/users +42 +20 +not released$/m);
    assert.match(out, /: 4$/m);
    assert.equal(printer.windowsPrinted, 1);
  });
});

describe('SyntheticApp with a sidecar', () => {
  it('delivers every recorded request, and the tap counts each one in some window', async () => {
    // Half-second windows: 1.5 s of traffic spans at least three, so two are released even on a busy machine.
    const counts = new TrueCounts(500, { lower: 0, upper: 1000 });
    let countedTrue = 0;
    let released = 0;
    const exporter: BatchExporter = {
      async export(batch: ExportBatch) {
        if (batch.summary === undefined) return;
        released++;
        for (const { raw } of counts.take(Number(batch.summary.windowStartUnixNano / MS)).values()) countedTrue += raw;
      },
    };
    const logger = new JsonLinesLogger({ level: 'warn', write: () => {} });
    const sidecar = await startSidecar(
      {
        receiver: { httpListen: { host: '127.0.0.1', port: 0 }, grpcListen: 'off', maxRequestBytes: 1 << 20 },
        processor: { ...DEFAULT_DP_CONFIG, windowMillis: 500 },
        delivery: { exporters: [{ kind: 'debug' }], queueSize: 1, queueDir: undefined },
        admin: { listen: 'off', selfTelemetry: undefined },
        logLevel: 'warn',
        logFormat: 'json',
      },
      { logger, exporter, wrapConsumer: (processor) => tapTrueCounts(processor, counts, { metricName: METRIC, tokenAttribute: 'api.token' }, logger) },
    );
    const app = new SyntheticApp({
      endpoint: `http://127.0.0.1:${sidecar.httpAddress?.port}/v1/metrics`,
      metricName: METRIC,
      tokenAttribute: 'api.token',
      tokens: 20,
      requestsPerSecond: 200,
      durationMillis: TRAFFIC_MILLIS,
      exportIntervalMillis: 500,
    });
    try {
      const startedAt = Date.now();
      app.start();
      // The app sends for TRAFFIC_MILLIS; two windows are out by then on an idle machine, later on a busy one.
      await waitFor(() => Date.now() - startedAt >= TRAFFIC_MILLIS && released >= 2, 20_000, 'the traffic to end and two windows to be released');
      await app.stop();
    } finally {
      await sidecar.shutdown();
    }
    // 200/s for 1.5 s in 100 ms ticks of 20 requests: at most 15 ticks (fewer on a busy machine).
    assert.ok(app.recorded > 0 && app.recorded <= 300 && app.recorded % 20 === 0, `recorded ${app.recorded}`);
    assert.ok(released >= 2, `released ${released} windows`);
    assert.equal(countedTrue, app.recorded);
  });
});
