import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeMetricsRequest, type ExportMetricsServiceRequest, type ExportMetricsServiceResponse } from '@otel-dp/otlp';
import { doubleSumMetric, requestOf, summaryMetric } from '../support/odd-requests.js';
import { OtlpBackend } from '../support/otlp-backend.js';
import { postMetrics } from '../support/otlp-requests.js';
import { grpcExportBytes } from '../support/raw-otlp.js';
import { releasedPoints, releasedTotal } from '../support/released-values.js';
import { makeTokens, TOKEN_ATTRIBUTE } from '../support/sdk-app.js';
import { SidecarProcess } from '../support/sidecar-process.js';
import { GOOD_METRIC, GoodTraffic } from '../support/still-serving.js';

/**
 * Points the processor cannot release are refused one by one, never the
 * whole request: the answer is 200 (gRPC OK) with `partial_success`
 * counting them and saying why, and the rest of the request counts. NaN has
 * no place in a bounded sum and is refused; ±Infinity is a value past the
 * clip bounds and is clamped to them like any other.
 */
const CLIP_UPPER = 100;
/** ε = 1e9 with a clip of 100: σ ≈ 0.01 per window, far inside ±0.5. */
const FLAGS = ['--window', '1s', '--epsilon', '1e9', '--clip', `*=0:${CLIP_UPPER}`, '--output-temporality', 'delta'];
const TOLERANCE = 0.5;
const TOKENS = makeTokens(3);

const TRANSPORTS = ['http/protobuf', 'http/json', 'grpc'] as const;
type Transport = (typeof TRANSPORTS)[number];

interface Case {
  name: string;
  /** `transport` names the metrics whose release the test checks per transport. */
  request: (transport: Transport) => ExportMetricsServiceRequest;
  rejected: number;
  /** Each reason the message must give; empty: no partial success at all. */
  reasons: RegExp[];
}

const NAN = /3 NaN data points were dropped/;
const SUMMARIES = /3 summary data points were dropped \(summaries cannot be merged across tokens\)/;
const UNTOKENED = new RegExp(`2 data points without the ${TOKEN_ATTRIBUTE.replace('.', '\\.')} attribute were dropped`);

const CASES: Case[] = [
  { name: 'NaN values', request: () => requestOf([doubleSumMetric('e2e.nan', TOKENS.map((token) => ({ token, value: NaN })))]), rejected: 3, reasons: [NAN] },
  {
    name: '+Infinity and -Infinity values (clamped to the clip bounds)',
    request: (transport) =>
      requestOf([
        doubleSumMetric(`e2e.inf.${transport}`, TOKENS.map((token) => ({ token, value: Infinity }))),
        doubleSumMetric(`e2e.neginf.${transport}`, TOKENS.map((token) => ({ token, value: -Infinity }))),
      ]),
    rejected: 0,
    reasons: [],
  },
  { name: 'summaries', request: () => requestOf([summaryMetric('e2e.summary', TOKENS)]), rejected: 3, reasons: [SUMMARIES] },
  {
    name: 'untokened points',
    request: () => requestOf([doubleSumMetric('e2e.untokened', [{ token: undefined, value: 3 }, { token: undefined, value: 4 }])]),
    rejected: 2,
    reasons: [UNTOKENED],
  },
  {
    name: 'all of them and good points in one request',
    request: () =>
      requestOf([
        doubleSumMetric('e2e.nan', TOKENS.map((token) => ({ token, value: NaN }))),
        summaryMetric('e2e.summary', TOKENS),
        doubleSumMetric('e2e.untokened', [{ token: undefined, value: 3 }, { token: undefined, value: 4 }]),
        doubleSumMetric('e2e.mixed.good', TOKENS.map((token) => ({ token, value: 7 }))),
      ]),
    rejected: 8,
    reasons: [NAN, SUMMARIES, UNTOKENED],
  },
];

async function send(sidecar: SidecarProcess, transport: Transport, request: ExportMetricsServiceRequest): Promise<ExportMetricsServiceResponse | undefined> {
  if (transport === 'grpc') {
    const answer = await grpcExportBytes(`127.0.0.1:${sidecar.grpcPort}`, encodeMetricsRequest(request));
    assert.equal(answer.code, 0, `gRPC answered ${answer.code}: ${answer.details}`);
    return answer.response;
  }
  const result = await postMetrics(sidecar.httpMetricsUrl, request, transport === 'http/json' ? 'json' : 'protobuf');
  assert.equal(result.status, 200, result.text);
  return result.response;
}

test('NaN, ±Infinity, summaries and untokened points: 200 with the right partial success', { timeout: 60_000 }, async (t) => {
  const backend = await OtlpBackend.start();
  t.after(() => backend.close());
  const sidecar = await SidecarProcess.start([...FLAGS, '--otlp-endpoint', backend.endpoint('http/protobuf')]);
  t.after(() => sidecar.kill());
  const good = new GoodTraffic(makeTokens(3));
  let mixedSends = 0;

  for (const transport of TRANSPORTS) {
    for (const c of CASES) {
      await t.test(`${transport}: ${c.name} → ${c.rejected} rejected`, async () => {
        const response = await send(sidecar, transport, c.request(transport));
        const partial = response?.partialSuccess;
        assert.equal(partial?.rejectedDataPoints ?? 0n, BigInt(c.rejected), partial?.errorMessage);
        if (c.reasons.length === 0) assert.equal(partial?.errorMessage ?? '', '', 'a message without a refusal');
        for (const reason of c.reasons) assert.match(partial?.errorMessage ?? '', reason);
        assert.ok(!TOKENS.some((token) => (partial?.errorMessage ?? '').includes(token)), 'the message quotes a token');
        if (c.reasons.length > 1) mixedSends++;
        await good.assertStillServing(sidecar, c.name);
      });
    }
  }

  assert.deepEqual(await sidecar.stop(), { code: 0, signal: null }, sidecar.describe());
  assert.deepEqual(backend.failures, []);

  await t.test('+Infinity counts as the clip bound per token, -Infinity as the lower bound, the rest of a request as sent', () => {
    const total = (metric: string) => releasedTotal(backend.requests, metric);
    const expectations: Array<[string, number]> = [
      ...TRANSPORTS.flatMap((transport): Array<[string, number]> => [
        [`e2e.inf.${transport}`, TOKENS.length * CLIP_UPPER],
        [`e2e.neginf.${transport}`, 0],
      ]),
      ['e2e.mixed.good', mixedSends * TOKENS.length * 7],
      [GOOD_METRIC, good.expectedTotal],
    ];
    for (const [metric, expected] of expectations) {
      assert.ok(Math.abs(total(metric) - expected) <= TOLERANCE, `${metric}: released ${total(metric)}, expected ${expected}`);
    }
  });

  await t.test('no refused point reaches the backend, and no released value is NaN or infinite', () => {
    for (const metric of ['e2e.nan', 'e2e.summary', 'e2e.untokened']) assert.deepEqual(releasedPoints(backend.requests, metric), [], `${metric} was released`);
    const summaries = backend.requests.flatMap((r) => r.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics.filter((m) => m.summary !== undefined))));
    assert.deepEqual(summaries, []);
    const values = [...TRANSPORTS.flatMap((transport) => [`e2e.inf.${transport}`, `e2e.neginf.${transport}`]), 'e2e.mixed.good'].flatMap((metric) => releasedPoints(backend.requests, metric).map((p) => p.value));
    assert.ok(values.length > 0 && values.every(Number.isFinite), `released values: ${values.join(', ')}`);
  });
});
