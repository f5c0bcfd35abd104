import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger, type BatchExporter, type ConsumeResult, type ExportBatch, type ExportMetricsServiceRequest, type MetricsConsumer, type WindowSummary } from '@otel-dp/otlp';
import { DEFAULT_DP_CONFIG } from '@otel-dp/processor-dp';
import { SyntheticApp } from '../src/demo/synthetic-app.js';
import { TrueCounts, tapTrueCounts } from '../src/demo/true-counts.js';
import { WindowReportPrinter, renderWindowTable } from '../src/demo/window-report.js';
import { JsonLinesLogger } from '../src/logger.js';
import { startSidecar } from '../src/start-sidecar.js';

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

describe('renderWindowTable', () => {
  it('prints a row per route with the true total, the released value and σ, then the suppressed count', () => {
    const text = renderWindowTable(
      summary(
        [
          { metric: METRIC, attributes: attributes('GET', '/users'), value: 1234.56, noiseStdDev: 150.04 },
          { metric: 'other.metric', attributes: attributes('GET', '/users'), value: 1, noiseStdDev: 1 },
        ],
        2,
      ),
      new Map([
        ['GET /users', 1200],
        ['GET /health', 7],
      ]),
      METRIC,
    );
    assert.equal(
      text,
      [
        'window 00:00:10–00:00:15 UTC  gaussian, ε=1, δ=0.000001',
        '  route         true      released  noise σ',
        '  GET /users    1200        1234.6    150.0',
        '  GET /orders      0  not released',
        '  POST /orders     0  not released',
        '  GET /health      7  not released',
        'suppressed series (held back by partition selection): 2',
        '',
        '',
      ].join('\n'),
    );
  });
});

describe('TrueCounts and tapTrueCounts', () => {
  it('adds totals to the window of arrival and hands them out once', () => {
    const counts = new TrueCounts(5_000);
    counts.add(new Map([['GET /users', 3]]), 10_000);
    counts.add(new Map([['GET /users', 2], ['GET /health', 1]]), 14_999);
    counts.add(new Map([['GET /users', 100]]), 15_000);
    assert.deepEqual([...counts.take(10_000)], [['GET /users', 5], ['GET /health', 1]]);
    assert.equal(counts.take(10_000).size, 0, 'taken once');
    assert.deepEqual([...counts.take(15_000)], [['GET /users', 100]]);
  });

  it('counts what the processor accepted, and takes back what it refused', async () => {
    const counts = new TrueCounts(3_600_000);
    const seen: ExportMetricsServiceRequest[] = [];
    let refuse = false;
    const next: MetricsConsumer = {
      async consume(req): Promise<ConsumeResult> {
        if (refuse) throw new Error('window full');
        seen.push(req);
        return { rejectedDataPoints: 0, errorMessage: '' };
      },
    };
    const tap = tapTrueCounts(next, counts, METRIC, silentLogger);
    const first = request([['GET', '/users', 2], ['GET', '/users', 3], ['POST', '/orders', 1]]);
    await tap.consume(first);
    assert.equal(seen[0], first, 'the request is handed on as is');
    refuse = true;
    await assert.rejects(tap.consume(request([['GET', '/users', 50]])), /window full/);
    const start = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    assert.deepEqual(Object.fromEntries(counts.take(start)), { 'GET /users': 5, 'POST /orders': 1 });
  });
});

describe('WindowReportPrinter', () => {
  it('prints a table per DP release, with the true totals of that window, and ignores untouched data', async () => {
    const counts = new TrueCounts(5_000);
    counts.add(new Map([['GET /users', 42]]), 12_000);
    let out = '';
    const printer = new WindowReportPrinter({ counts, metricName: METRIC, write: (text) => (out += text) });
    await printer.export({ request: request([]) });
    assert.equal(out, '');
    await printer.export({ request: request([]), summary: summary([], 4) });
    assert.match(out, /^ {2}GET \/users +42 +not released$/m);
    assert.match(out, /: 4$/m);
    assert.equal(printer.windowsPrinted, 1);
  });
});

describe('SyntheticApp with a sidecar', () => {
  it('delivers every recorded request, and the tap counts each one in some window', async () => {
    const counts = new TrueCounts(1_000);
    let countedTrue = 0;
    let released = 0;
    const exporter: BatchExporter = {
      async export(batch: ExportBatch) {
        if (batch.summary === undefined) return;
        released++;
        for (const value of counts.take(Number(batch.summary.windowStartUnixNano / MS)).values()) countedTrue += value;
      },
    };
    const logger = new JsonLinesLogger({ level: 'warn', write: () => {} });
    const sidecar = await startSidecar(
      {
        receiver: { httpListen: { host: '127.0.0.1', port: 0 }, grpcListen: 'off', maxRequestBytes: 1 << 20 },
        processor: { ...DEFAULT_DP_CONFIG, windowMillis: 1_000 },
        delivery: { exporters: [{ kind: 'debug' }], queueSize: 1, queueDir: undefined },
        admin: { listen: 'off', selfTelemetry: undefined },
        logLevel: 'warn',
        logFormat: 'json',
      },
      { logger, exporter, wrapConsumer: (processor) => tapTrueCounts(processor, counts, METRIC, logger) },
    );
    const app = new SyntheticApp({
      endpoint: `http://127.0.0.1:${sidecar.httpAddress?.port}/v1/metrics`,
      metricName: METRIC,
      tokenAttribute: 'api.token',
      tokens: 20,
      requestsPerSecond: 200,
      durationMillis: 1_500,
      exportIntervalMillis: 500,
    });
    try {
      app.start();
      await new Promise((resolve) => setTimeout(resolve, 1_700));
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
