import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeMetricsRequestJson, encodeTraceRequestJson, SpanKind, StatusCode, type KeyValue, type Span } from '@otel-dp/otlp';
import { start } from './support/child.js';

const WINDOW_MILLIS = 60_000;
/** A window boundary: 2023-11-14T22:13:00Z. */
const FIRST_WINDOW_MILLIS = 1_699_999_980_000;
const EXACT = ['--mechanism', 'laplace', '--epsilon', '1e9', '--output-temporality', 'delta'];
const kv = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });

/** `tokens` tokens each call GET /users twice (once failing) in window `window`, ending 5 s into it. */
function traceLine(window: number, tokens: number): string {
  const end = BigInt(FIRST_WINDOW_MILLIS + window * WINDOW_MILLIS + 5_000) * 1_000_000n;
  const spans: Span[] = [];
  for (let token = 0; token < tokens; token++) {
    for (const status of [StatusCode.UNSET, StatusCode.ERROR]) {
      const id = spans.length + 1 + window * 1000;
      spans.push({
        traceId: Uint8Array.from({ length: 16 }, (_, i) => (id * 29 + i * 3 + 1) & 0xff),
        spanId: Uint8Array.from({ length: 8 }, (_, i) => (id * 31 + i * 5 + 2) & 0xff),
        name: 'GET /users',
        kind: SpanKind.SERVER,
        startTimeUnixNano: end - 25_000_000n,
        endTimeUnixNano: end,
        attributes: [kv('api.token', `tok_traced_${token}`), kv('http.route', '/users')],
        statusCode: status,
      });
    }
  }
  return encodeTraceRequestJson({ resourceSpans: [{ resource: { attributes: [kv('service.name', 'checkout')], droppedAttributesCount: 0 }, scopeSpans: [{ spans }] }] });
}

/** `tokens` tokens each add 1 to http.server.requests in window `window`. */
function metricLine(window: number, tokens: number): string {
  const time = BigInt(FIRST_WINDOW_MILLIS + window * WINDOW_MILLIS + 1_000) * 1_000_000n;
  const dataPoints = Array.from({ length: tokens }, (_, token) => ({
    asInt: '1',
    startTimeUnixNano: String(time - 1_000_000_000n),
    timeUnixNano: String(time),
    attributes: [{ key: 'api.token', value: { stringValue: `tok_traced_${token}` } }],
  }));
  const metric = { name: 'http.server.requests', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints } };
  return JSON.stringify({ resourceMetrics: [{ resource: { attributes: [] }, scopeMetrics: [{ scope: { name: 'recorded' }, metrics: [metric] }] }] });
}

describe('otel-dp simulate and plan with trace input', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'otel-dp-traces-offline-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('simulate replays trace lines mixed with metric lines as span metrics in the window of each span end', async () => {
    const input = join(dir, 'mixed.jsonl');
    await writeFile(input, `${traceLine(0, 20)}\n${metricLine(0, 20)}\n${traceLine(1, 20)}\n${traceLine(1, 20)}\n`);
    const child = start(['simulate', '--input', input, ...EXACT]);
    const { code } = await child.exit(30_000);
    assert.equal(code, 0, child.stderr());
    const windows = child.stdout().trimEnd().split('\n').map((line) => decodeMetricsRequestJson(line));
    assert.equal(windows.length, 2);
    const calls = windows.map((request) => {
      const metrics = request.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
      const byStatus = new Map<string, number>();
      for (const point of metrics.find((m) => m.name === 'traces.span.metrics.calls')?.sum?.dataPoints ?? []) {
        const status = point.attributes.find((a) => a.key === 'status.code')?.value.stringValue ?? '';
        byStatus.set(status, Math.round(point.asDouble ?? Number(point.asInt)));
      }
      const requests = metrics.find((m) => m.name === 'http.server.requests')?.sum?.dataPoints[0];
      return { byStatus, requests: requests === undefined ? undefined : Math.round(requests.asDouble ?? Number(requests.asInt)) };
    });
    // A released series stays released: the counter reports 0 in the window without requests.
    assert.deepEqual(calls, [
      { byStatus: new Map([['STATUS_CODE_UNSET', 20], ['STATUS_CODE_ERROR', 20]]), requests: 20 },
      { byStatus: new Map([['STATUS_CODE_UNSET', 40], ['STATUS_CODE_ERROR', 40]]), requests: 0 },
    ]);
    assert.ok(!child.stdout().includes('tok_traced_'), 'no token in the output');
  });

  it('simulate names a trace line with an odd id, without quoting it, and refuses a line with both signals', async () => {
    const odd = join(dir, 'odd-id.jsonl');
    await writeFile(odd, `${metricLine(0, 1)}\n${traceLine(0, 1).replace(/"traceId":"[0-9a-f]{32}"/, '"traceId":"0badc0ffee"')}\n`);
    const child = start(['simulate', '--input', odd]);
    assert.equal((await child.exit(30_000)).code, 2);
    assert.match(child.stderr(), /line 2: invalid ExportTraceServiceRequest at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId: expected 32 hex digits/);
    assert.ok(!child.stderr().includes('0badc0ffee'));
    const both = join(dir, 'both.jsonl');
    await writeFile(both, '{"resourceMetrics":[],"resourceSpans":[]}\n');
    const refused = start(['simulate', '--input', both]);
    assert.equal((await refused.exit(30_000)).code, 2);
    assert.match(refused.stderr(), /line 1: the line holds both resourceMetrics and resourceSpans/);
  });

  it('plan --input lists the span metrics of the recorded spans with the rules that bound them', async () => {
    const input = join(dir, 'plan.jsonl');
    await writeFile(input, `${traceLine(0, 7)}\n${metricLine(0, 3)}\n`);
    const child = start(['plan', '--input', input, '--span-kinds', 'SPAN_KIND_CLIENT,SPAN_KIND_SERVER']);
    const { code } = await child.exit(15_000);
    assert.equal(code, 0, child.stderr());
    const out = child.stdout();
    assert.match(out, /^input: 1 metric requests, 1 trace requests with 14 spans \(14 counted, 0 without a token, dropped, 0 invalid, 0 of kinds left out by --span-kinds\)$/m);
    assert.match(out, /^\| http\.server\.requests \| sum \| \* \| 0:1000 \| — \| 3 \|$/m);
    assert.match(out, /^\| traces\.span\.metrics\.calls \| sum \| traces\.span\.metrics\.calls \| 0:100 \| — \| 7 \|$/m);
    assert.match(out, /^\| traces\.span\.metrics\.duration \| histogram \| traces\.span\.metrics\.duration \| 0:15000 \| 100 \| 7 \|$/m);
    const overridden = start(['plan', '--input', input, '--clip', 'traces.span.metrics.*=0:20', '--span-duration-histogram', 'exponential']);
    assert.equal((await overridden.exit(15_000)).code, 0, overridden.stderr());
    assert.match(overridden.stdout(), /^\| traces\.span\.metrics\.duration \| exponential-histogram \| traces\.span\.metrics\.\* \| 0:20 \| 100 \| 7 \|$/m);
    assert.ok(!out.includes('tok_traced_'));
  });
});
