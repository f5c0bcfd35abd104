import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { connect } from 'node:http2';
import {
  TRACES_EXPORT_GRPC_PATH,
  decodeTraceResponse,
  encodeMetricsRequest,
  encodeTraceRequest,
  encodeTraceRequestJson,
  SpanKind,
  StatusCode,
  type ExportMetricsServiceRequest,
  type ExportTraceServiceRequest,
  type ExportTraceServiceResponse,
  type KeyValue,
  type Metric,
  type Span,
} from '@otel-dp/otlp';
import { MetricsSink } from '@otel-dp/processor-dp/testing';
import { parseRunConfig } from '../src/command-line.js';
import { DEFAULT_SPAN_METRICS_SETTINGS } from '../src/span-metrics-config.js';
import { startSidecar } from '../src/start-sidecar.js';
import { UsageError } from '../src/usage-error.js';
import { silentLogger } from '@otel-dp/pipeline';

const kv = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
let nextSpan = 1;

function span(token: string | undefined, options: { name?: string; status?: number; kind?: number; ms?: number; route?: string } = {}): Span {
  const id = nextSpan++;
  const start = BigInt(Date.now()) * 1_000_000n + BigInt(id);
  return {
    traceId: Uint8Array.from({ length: 16 }, (_, i) => (id * 37 + i * 11 + 5) & 0xff),
    spanId: Uint8Array.from({ length: 8 }, (_, i) => (id * 53 + i * 7 + 3) & 0xff),
    name: options.name ?? 'GET /users',
    kind: options.kind ?? SpanKind.SERVER,
    startTimeUnixNano: start,
    endTimeUnixNano: start + BigInt(Math.round((options.ms ?? 12) * 1e6)),
    attributes: [...(token === undefined ? [] : [kv('api.token', token)]), kv('http.route', options.route ?? '/users'), kv('user.id', `u-${id}`)],
    statusCode: options.status ?? StatusCode.UNSET,
  };
}

/** `service` null: a resource without service.name. */
function traces(spans: Span[], service: string | null = 'checkout'): ExportTraceServiceRequest {
  const resource = { attributes: service === null ? [kv('host.name', 'node-7')] : [kv('service.name', service), kv('host.name', 'node-7')], droppedAttributesCount: 0 };
  return { resourceSpans: [{ resource, scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.223.0', attributes: [], droppedAttributesCount: 0 }, spans }] }] };
}

async function startTraced(t: TestContext, args: string[]): Promise<{ sink: MetricsSink; http: string; grpcPort: number; stop: () => Promise<void> }> {
  const sink = new MetricsSink();
  const config = parseRunConfig(['--http-listen', '127.0.0.1:0', '--grpc-listen', '127.0.0.1:0', '--admin-listen', 'off', '--window', '1h', ...args], {});
  const sidecar = await startSidecar(config, { logger: silentLogger, exporter: sink });
  t.after(() => sidecar.shutdown());
  return { sink, http: `http://127.0.0.1:${sidecar.httpAddress!.port}`, grpcPort: sidecar.grpcAddress!.port, stop: () => sidecar.shutdown() };
}

async function postTraces(base: string, body: Uint8Array | string): Promise<{ status: number; response: ExportTraceServiceResponse }> {
  const json = typeof body === 'string';
  const answer = await fetch(`${base}/v1/traces`, { method: 'POST', headers: { 'content-type': json ? 'application/json' : 'application/x-protobuf' }, body });
  const bytes = new Uint8Array(await answer.arrayBuffer());
  if (answer.status !== 200) return { status: answer.status, response: {} };
  if (!json) return { status: answer.status, response: decodeTraceResponse(bytes) };
  const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as { partialSuccess?: { rejectedSpans?: string; errorMessage?: string } };
  const partial = parsed.partialSuccess;
  return { status: answer.status, response: partial === undefined ? {} : { partialSuccess: { rejectedSpans: BigInt(partial.rejectedSpans ?? 0), errorMessage: partial.errorMessage ?? '' } } };
}

/** One TraceService/Export call over node:http2, as a gRPC client frames it: a 5-byte prefix, the message, grpc-status in the trailers. */
function grpcExport(port: number, request: ExportTraceServiceRequest): Promise<ExportTraceServiceResponse> {
  const message = encodeTraceRequest(request);
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  const session = connect(`http://127.0.0.1:${port}`);
  return new Promise<ExportTraceServiceResponse>((resolve, reject) => {
    const timer = setTimeout(() => session.destroy(new Error('no answer within 10 s')), 10_000);
    session.on('error', reject);
    const stream = session.request({ ':method': 'POST', ':path': TRACES_EXPORT_GRPC_PATH, 'content-type': 'application/grpc', te: 'trailers' });
    const chunks: Buffer[] = [];
    let status: string | undefined;
    stream.on('response', (headers) => (status = headers['grpc-status'] as string | undefined));
    stream.on('trailers', (trailers) => (status = trailers['grpc-status'] as string | undefined));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    stream.on('end', () => {
      clearTimeout(timer);
      session.close();
      const body = Buffer.concat(chunks);
      if (status !== '0') reject(new Error(`grpc-status ${status}`));
      else resolve(decodeTraceResponse(body.subarray(5, 5 + body.readUInt32BE(1))));
    });
    stream.end(frame);
  });
}

function released(sink: MetricsSink): Metric[] {
  return sink.releases.flatMap((batch) => batch.request.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics)));
}

function attributesOf(attributes: KeyValue[]): Record<string, string | undefined> {
  return Object.fromEntries(attributes.map((a) => [a.key, a.value.stringValue]));
}

function callsBy(metrics: Metric[], key: (a: Record<string, string | undefined>) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const point of metrics.find((m) => m.name === 'traces.span.metrics.calls')?.sum?.dataPoints ?? []) {
    const k = key(attributesOf(point.attributes));
    out.set(k, (out.get(k) ?? 0) + Math.round(point.asDouble ?? Number(point.asInt)));
  }
  return out;
}

const TOKENS = ['tok-alpha-31f9', 'tok-bravo-77c2', 'tok-charlie-0d4e', 'tok-delta-9a8b', 'tok-echo-5e6f'];
// Laplace at a huge ε: noise far below 0.5, so rounded values are the truth.
const EXACT = ['--mechanism', 'laplace', '--epsilon', '1e9'];

describe('otel-dp run: traces in, span metrics out', () => {
  it('counts spans from HTTP protobuf, HTTP JSON and gRPC into private span metrics, with no token, id or other span data released', async (t) => {
    const { sink, http, grpcPort, stop } = await startTraced(t, [...EXACT, '--span-dimension', 'http.route']);
    const sent: Span[] = [];
    for (const [i, token] of TOKENS.entries()) {
      const ok = [span(token), span(token), span(token, { ms: 700 })];
      const failed = [span(token, { status: StatusCode.ERROR, ms: 3 })];
      const unknown = [span(token, { name: 'GET /health', route: '/health' })];
      sent.push(...ok, ...failed, ...unknown);
      // Each token over each transport in turn: the three share the one processor.
      const request = traces([...ok, ...failed]);
      if (i % 3 === 0) assert.deepEqual(await postTraces(http, encodeTraceRequest(request)), { status: 200, response: {} });
      else if (i % 3 === 1) assert.deepEqual((await postTraces(http, encodeTraceRequestJson(request))).response, {});
      else assert.deepEqual(await grpcExport(grpcPort, request), {});
      assert.equal((await postTraces(http, encodeTraceRequest(traces(unknown, null)))).status, 200);
    }
    const untokened = await postTraces(http, encodeTraceRequest(traces([span(undefined), span(undefined), span(TOKENS[0])])));
    assert.equal(untokened.response.partialSuccess?.rejectedSpans, 2n);
    assert.equal(untokened.response.partialSuccess?.errorMessage, '2 spans without the api.token attribute were dropped');
    await stop();

    const metrics = released(sink);
    const byRoute = callsBy(metrics, (a) => `${a['service.name']} ${a['span.name']} ${a['http.route']} ${a['span.kind']} ${a['status.code']}`);
    assert.deepEqual(
      byRoute,
      new Map([
        ['checkout GET /users /users SPAN_KIND_SERVER STATUS_CODE_UNSET', 16],
        ['checkout GET /users /users SPAN_KIND_SERVER STATUS_CODE_ERROR', 5],
        ['unknown_service GET /health /health SPAN_KIND_SERVER STATUS_CODE_UNSET', 5],
      ]),
    );
    const durations = metrics.find((m) => m.name === 'traces.span.metrics.duration')!.histogram!.dataPoints;
    const counts = new Map(durations.map((p) => [`${attributesOf(p.attributes)['span.name']} ${attributesOf(p.attributes)['status.code']}`, Math.round(Number(p.count))]));
    assert.deepEqual(counts, new Map([['GET /users STATUS_CODE_UNSET', 16], ['GET /users STATUS_CODE_ERROR', 5], ['GET /health STATUS_CODE_UNSET', 5]]));

    const keys = new Set(metrics.flatMap((m) => (m.sum?.dataPoints ?? m.histogram?.dataPoints ?? []).flatMap((p) => p.attributes.map((a) => a.key))));
    assert.deepEqual([...keys].sort(), ['http.route', 'service.name', 'span.kind', 'span.name', 'status.code']);
    const requests: ExportMetricsServiceRequest[] = sink.batches.map((batch) => batch.request);
    const bytes = Buffer.concat(requests.map((request) => Buffer.from(encodeMetricsRequest(request))));
    for (const token of TOKENS) assert.equal(bytes.indexOf(token), -1, 'a token reached the exporter');
    for (const s of sent) {
      assert.equal(bytes.indexOf(Buffer.from(s.traceId)), -1, 'a trace id reached the exporter');
      assert.equal(bytes.indexOf(Buffer.from(s.spanId)), -1, 'a span id reached the exporter');
      assert.equal(bytes.indexOf(Buffer.from(s.traceId).toString('hex')), -1, 'a hex trace id reached the exporter');
    }
    for (const text of ['user.id', 'u-1', 'host.name', 'node-7', 'api.token']) assert.equal(bytes.indexOf(text), -1, `${text} reached the exporter`);
    for (const metric of metrics) for (const p of metric.sum?.dataPoints ?? metric.histogram?.dataPoints ?? []) assert.deepEqual(p.exemplars, []);
  });

  it('clips a token to 100 calls per series and window by default, and a --clip rule on traces.span.metrics.* takes over', async (t) => {
    const heavy = (token: string) => Array.from({ length: 150 }, () => span(token, { ms: 20_000 }));
    const byDefault = await startTraced(t, EXACT);
    for (const token of TOKENS) assert.equal((await postTraces(byDefault.http, encodeTraceRequest(traces(heavy(token))))).status, 200);
    await byDefault.stop();
    const metrics = released(byDefault.sink);
    assert.deepEqual([...callsBy(metrics, () => 'all').values()], [500]);
    const duration = metrics.find((m) => m.name === 'traces.span.metrics.duration')!.histogram!.dataPoints[0];
    // 100 measurements a token, each clamped to 15 s; the sum's noise (its bound is 1.5 million ms) is within 0.01 %.
    assert.equal(Math.round(Number(duration.count)), 500);
    assert.ok(Math.abs(duration.sum! - 500 * 15_000) < 750, String(duration.sum));

    const overridden = await startTraced(t, [...EXACT, '--clip', 'traces.span.metrics.*=0:3', '--clip-count', 'traces.span.metrics.*=3']);
    for (const token of TOKENS) await postTraces(overridden.http, encodeTraceRequest(traces(heavy(token))));
    await overridden.stop();
    const clipped = released(overridden.sink);
    assert.deepEqual([...callsBy(clipped, () => 'all').values()], [15]);
    assert.equal(Math.round(Number(clipped.find((m) => m.name === 'traces.span.metrics.duration')!.histogram!.dataPoints[0].count)), 15);
  });

  it('counts only --span-kinds, and writes exponential durations with --span-duration-histogram exponential', async (t) => {
    const { sink, http, stop } = await startTraced(t, [...EXACT, '--span-kinds', 'SPAN_KIND_SERVER', '--span-duration-histogram', 'exponential']);
    for (const token of TOKENS) {
      const answer = await postTraces(http, encodeTraceRequest(traces([span(token, { ms: 40 }), span(token, { kind: SpanKind.CLIENT, name: 'SELECT users' })])));
      assert.deepEqual(answer.response, {});
    }
    await stop();
    const metrics = released(sink);
    assert.deepEqual(callsBy(metrics, (a) => `${a['span.name']} ${a['span.kind']}`), new Map([['GET /users SPAN_KIND_SERVER', 5]]));
    const duration = metrics.find((m) => m.name === 'traces.span.metrics.duration')!;
    assert.equal(duration.histogram, undefined);
    assert.equal(Math.round(Number(duration.exponentialHistogram!.dataPoints[0].count)), 5);
  });

  it('under --untokened pass, counts untokened spans into span metrics passed on without noise, and still never a span', async (t) => {
    const { sink, http, stop } = await startTraced(t, [...EXACT, '--untokened', 'pass']);
    const spans = [span(undefined), span(undefined), span(undefined, { status: StatusCode.ERROR })];
    assert.deepEqual((await postTraces(http, encodeTraceRequest(traces(spans)))).response, {});
    await stop();
    const passed = sink.batches.filter((batch) => batch.summary === undefined);
    const metrics = passed.flatMap((batch) => batch.request.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics)));
    assert.deepEqual(callsBy(metrics, (a) => String(a['status.code'])), new Map([['STATUS_CODE_UNSET', 2], ['STATUS_CODE_ERROR', 1]]));
    const bytes = Buffer.concat(passed.map((batch) => Buffer.from(encodeMetricsRequest(batch.request))));
    for (const s of spans) assert.equal(bytes.indexOf(Buffer.from(s.spanId)), -1, 'a span id was passed on');
    assert.equal(bytes.indexOf('user.id'), -1);
  });

  it('refuses a span ending before it starts with 400, and keeps serving', async (t) => {
    const { http } = await startTraced(t, EXACT);
    const backwards = span(TOKENS[0]);
    backwards.endTimeUnixNano = backwards.startTimeUnixNano - 1n;
    const answer = await fetch(`${http}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: encodeTraceRequest(traces([backwards])) });
    assert.equal(answer.status, 400);
    await answer.arrayBuffer();
    assert.deepEqual((await postTraces(http, encodeTraceRequest(traces([span(TOKENS[0])])))).response, {});
  });
});

describe('trace flags', () => {
  it('reads --span-dimension (repeatable), --span-kinds and --span-duration-histogram from flags, variables and the config file', () => {
    assert.deepEqual(parseRunConfig([], {}).spans, DEFAULT_SPAN_METRICS_SETTINGS);
    const flags = parseRunConfig(['--span-dimension', 'http.route', '--span-dimension', 'tenant', '--span-kinds', 'SPAN_KIND_SERVER,SPAN_KIND_CONSUMER', '--span-duration-histogram', 'exponential'], {});
    assert.deepEqual(flags.spans, { spanDimensions: ['http.route', 'tenant'], spanKinds: [2, 5], durationHistogram: 'exponential', exponentialScale: 3, exponentialMaxBuckets: 160 });
    const env = parseRunConfig([], { OTEL_DP_SPAN_DIMENSION: 'http.route,tenant', OTEL_DP_SPAN_KINDS: 'SPAN_KIND_CLIENT' });
    assert.deepEqual([env.spans?.spanDimensions, env.spans?.spanKinds], [['http.route', 'tenant'], [3]]);
    const dir = mkdtempSync(join(tmpdir(), 'otel-dp-span-flags-'));
    const path = join(dir, 'otel-dp.yaml');
    writeFileSync(path, 'span-dimension: [http.route, deployment.environment]\nspan-kinds: SPAN_KIND_SERVER\nspan-duration-histogram: exponential\n');
    const file = parseRunConfig(['--config', path], {});
    assert.deepEqual([file.spans?.spanDimensions, file.spans?.spanKinds, file.spans?.durationHistogram], [['http.route', 'deployment.environment'], [2], 'exponential']);
  });

  it('refuses bad values, naming the flag', () => {
    const refused = (args: string[], message: RegExp) => assert.throws(() => parseRunConfig(args, {}), (error: unknown) => error instanceof UsageError && message.test(error.message));
    refused(['--span-kinds', 'server'], /^--span-kinds has "server", must be a comma-separated list of SPAN_KIND_UNSPECIFIED/);
    refused(['--span-duration-histogram', 'linear'], /--span-duration-histogram/);
    refused(['--span-dimension', 'api.token'], /^--span-dimension api\.token is the token attribute/);
    refused(['--token-attribute', 'tenant.key', '--span-dimension', 'tenant.key'], /is the token attribute/);
    refused(['--span-dimension', 'status.code'], /always a dimension/);
  });
});

