import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExportMetricsServiceRequest, Metric } from '@otel-dp/otlp';
import { DpProcessor, type DpProcessorConfig } from '../src/index.js';
import { MetricsSink, noNoise } from '../src/testing.js';
import { exactConfig, manualClock, point, request, sumMetric } from './builders.js';

const T0 = 1_700_000_000_000;

const CREDENTIALS = {
  stripe: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  bearer: 'Bearer abcdefghij0123456789',
  accessToken: 'https://api.example.com/v1?access_token=q8Zr2LmX4vT9',
};

type Field = 'scopeName' | 'scopeVersion' | 'scopeSchemaUrl' | 'resourceSchemaUrl' | 'metricName' | 'description' | 'unit';
const FIELDS: Field[] = ['scopeName', 'scopeVersion', 'scopeSchemaUrl', 'resourceSchemaUrl', 'metricName', 'description', 'unit'];

/** A request of `tokens` points on route /a, with `value` written into `field` (or nothing when undefined). */
function placed(field: Field | undefined, value: string, tokens: string[]): ExportMetricsServiceRequest {
  const metric: Metric = sumMetric('requests', tokens.map((token) => point(1, { route: '/a', 'api.token': token })));
  if (field === 'metricName') metric.name = value;
  if (field === 'description') metric.description = value;
  if (field === 'unit') metric.unit = value;
  const built = request([metric]);
  const resourceMetrics = built.resourceMetrics[0];
  const scopeMetrics = resourceMetrics.scopeMetrics[0];
  if (field === 'scopeName') scopeMetrics.scope!.name = value;
  if (field === 'scopeVersion') scopeMetrics.scope!.version = value;
  if (field === 'scopeSchemaUrl') scopeMetrics.schemaUrl = value;
  if (field === 'resourceSchemaUrl') resourceMetrics.schemaUrl = value;
  return built;
}

async function release(overrides: Partial<DpProcessorConfig>, requests: ExportMetricsServiceRequest[]): Promise<{ text: string; processor: DpProcessor; sink: MetricsSink }> {
  const clock = manualClock(T0 + 10);
  const sink = new MetricsSink();
  const processor = new DpProcessor(exactConfig({ outputTemporality: 'delta', ...overrides }), sink, { now: clock.now, noiseSampler: noNoise });
  await processor.start();
  for (const one of requests) await processor.consume(one);
  await processor.shutdown();
  const text = JSON.stringify(sink.releases.map((batch) => batch.request), (_k, v) => (typeof v === 'bigint' ? String(v) : v));
  return { text, processor, sink };
}

const MANY_TOKENS = Array.from({ length: 50 }, (_, i) => `tok-${i}`);

describe('credentials in scope, schema URL and metric identity', () => {
  for (const field of FIELDS) {
    for (const [name, credential] of Object.entries(CREDENTIALS)) {
      it(`never releases a ${name} placed in the ${field}, and refuses its points`, async () => {
        for (const overrides of [{}, { publicAttributes: { route: ['/a'] } }]) {
          const { text, processor } = await release(overrides, [placed(field, credential, MANY_TOKENS)]);
          assert.ok(!text.includes(credential), `${name} in ${field} is not exported`);
          assert.equal(processor.stats.refusedPoints.get('credential_identity'), MANY_TOKENS.length);
        }
      });
    }
    it(`releases the neighbouring request with an ordinary ${field}`, async () => {
      const { text, processor } = await release({}, [placed(field, 'ordinary-1', MANY_TOKENS)]);
      assert.ok(text.includes('/a'));
      assert.equal(processor.stats.refusedPoints.get('credential_identity'), undefined);
    });
  }

  it('answers with a refusal message that does not quote the value', async () => {
    const { processor } = await release({}, []);
    void processor;
    const clock = manualClock(T0 + 10);
    const other = new DpProcessor(exactConfig(), new MetricsSink(), { now: clock.now, noiseSampler: noNoise });
    await other.start();
    const answer = await other.consume(placed('scopeName', CREDENTIALS.stripe, ['t1']));
    await other.shutdown();
    const written = JSON.stringify(answer);
    assert.ok(!written.includes(CREDENTIALS.stripe));
    assert.match(written, /looks like a credential/);
  });
});

describe('publicAttributes with point attribute values declared only', () => {
  it('releases every declared route from the first window, resource and scope being public by design', async () => {
    const { sink } = await release({ publicAttributes: { route: ['/users', '/orders', '/health'] } }, [
      request([sumMetric('requests', [point(3, { route: '/users', 'api.token': 'lonely' })])]),
    ]);
    assert.equal(sink.releases.length, 1);
    const points = sink.releases[0].request.resourceMetrics[0].scopeMetrics[0].metrics[0].sum!.dataPoints;
    const byRoute = new Map(points.map((p) => [p.attributes[0].value.stringValue, p.asDouble]));
    assert.deepEqual(byRoute, new Map([['/users', 3], ['/orders', 0], ['/health', 0]]));
  });

  for (const field of FIELDS) {
    it(`never releases a token placed in the ${field}, though the series would be public`, async () => {
      const tokens = Array.from({ length: 40 }, (_, i) => `plain-token-${String(i).padStart(3, '0')}`);
      const requests = tokens.map((token) => placed(field, `lib-${token}`, [token]));
      const { text, processor } = await release({ publicAttributes: { route: ['/a'], 'service.name': ['api'] } }, requests);
      for (const token of tokens) assert.ok(!text.includes(token), `token in ${field} is not exported`);
      assert.equal(processor.stats.refusedPoints.get('token_in_series'), tokens.length);
    });
  }

  it('never releases a token placed in a point or resource attribute value of a public series', async () => {
    const token = 'plain-token-007';
    const inRoute = request([sumMetric('requests', [point(1, { route: token, 'api.token': token })])]);
    const inResource = request([sumMetric('requests', [point(1, { route: '/a', 'api.token': token })])], { 'service.name': `svc-${token}` });
    const { text, processor } = await release({ publicAttributes: { route: ['/a', token] } }, [inRoute, inResource]);
    assert.ok(!text.includes(token));
    assert.equal(processor.stats.refusedPoints.get('token_in_series'), 2);
  });
});
