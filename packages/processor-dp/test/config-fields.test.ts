import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AccountantError,
  DpConfigError,
  DpProcessor,
  PrivacyAccountant,
  createDefaultConfig,
  resolveDpProcessorConfig,
  validateDpProcessorConfig,
  validateSpanMetricsOptions,
  type DpConfigField,
  type DpProcessorConfig,
} from '../src/index.js';
import { validateAttributePolicyConfig } from '../src/attribute-policy/index.js';
import { MetricsSink } from '../src/testing.js';

const base = createDefaultConfig();

/** One wrong value per checked field, and the field the error must carry. */
const WRONG: [Partial<DpProcessorConfig>, DpConfigField][] = [
  [{ windowMillis: 50 }, 'windowMillis'],
  [{ tokenAttribute: '' }, 'tokenAttribute'],
  [{ untokened: 'keep' as never }, 'untokened'],
  [{ maxSeriesPerToken: 0 }, 'maxSeriesPerToken'],
  [{ mechanism: 'uniform' as never }, 'mechanism'],
  [{ epsilon: 0 }, 'epsilon'],
  [{ delta: 1 }, 'delta'],
  [{ outputTemporality: 'both' as never }, 'outputTemporality'],
  [{ counterProjection: 'up' as never }, 'counterProjection'],
  [{ undeclaredSeries: 'keep' as never }, 'undeclaredSeries'],
  [{ clip: [{ pattern: 'm', lower: 2, upper: 1 }] }, 'clip'],
  [{ clipCount: [{ pattern: 'm', count: 0 }] }, 'clipCount'],
  [{ exponentialHistogramScale: 21 }, 'exponentialHistogramScale'],
  [{ exponentialHistogramBuckets: 0 }, 'exponentialHistogramBuckets'],
  [{ budgetHorizonMillis: 10 }, 'budgetHorizonMillis'],
  [{ maxTokens: 0 }, 'maxTokens'],
  [{ maxSeries: 0.5 }, 'maxSeries'],
  [{ maxWindowBytes: 1024 }, 'maxWindowBytes'],
  [{ maxEpsilonHorizon: -1, stateDir: '/var/lib/otel-dp' }, 'maxEpsilonHorizon'],
  [{ maxEpsilonHorizon: 5 }, 'maxEpsilonHorizon'],
];

function carries(field: string, name: string) {
  return (error: unknown) => {
    assert.ok(error instanceof DpConfigError, String(error));
    assert.equal(error.field, field);
    assert.ok(error.message.startsWith(`${name} `), error.message);
    return true;
  };
}

describe('processor configuration fields', () => {
  it('carries the field at fault in every validation error, and names it in the message', () => {
    for (const [wrong, field] of WRONG) {
      assert.throws(() => validateDpProcessorConfig({ ...base, ...wrong }), carries(field, field), field);
    }
  });

  it('names the field as settingName says, with the field itself unchanged', () => {
    const settingName = (field: string) => `<${field}>`;
    for (const [wrong, field] of WRONG) {
      assert.throws(() => validateDpProcessorConfig({ ...base, ...wrong }, settingName), carries(field, `<${field}>`), field);
    }
    assert.throws(() => new DpProcessor({ ...base, epsilon: -1 }, new MetricsSink(), { settingName }), carries('epsilon', '<epsilon>'));
  });

  it('resolves unset optional fields to the defaults, keeping what is set', () => {
    const { windowMillis, tokenAttribute, untokened, maxSeriesPerToken, clip, mechanism, epsilon, delta, outputTemporality } = base;
    const resolved = resolveDpProcessorConfig({ windowMillis, tokenAttribute, untokened, maxSeriesPerToken, clip, mechanism, epsilon, delta, outputTemporality, maxTokens: 7, stateDir: undefined });
    assert.deepEqual(resolved, { ...base, maxTokens: 7 });
    assert.equal('stateDir' in resolved, false);
    assert.equal(createDefaultConfig().undeclaredSeries, 'select');
    assert.notEqual(createDefaultConfig().clip, createDefaultConfig().clip);
  });

  it('carries the field in the attribute policy and span metrics options errors', () => {
    assert.throws(() => validateAttributePolicyConfig({ dropAttributes: ['a'], keepAttributes: ['a'] }), carries('dropAttributes', 'dropAttributes'));
    assert.throws(() => validateAttributePolicyConfig({ dropAttributes: [], keepAttributes: [''] }), carries('keepAttributes', 'keepAttributes'));
    const span = { tokenAttribute: 'api.token', untokened: 'drop' as const, timeUnixNano: 0n };
    assert.throws(() => validateSpanMetricsOptions({ ...span, spanDimensions: ['span.name'] }), carries('spanDimensions', 'spanDimensions'));
    assert.throws(() => validateSpanMetricsOptions({ ...span, spanKinds: [9] }), carries('spanKinds', 'spanKinds'));
  });

  it('has the accountant carry and name the processor field', async () => {
    await assert.rejects(PrivacyAccountant.open({ horizonMillis: 0 }, { settingName: (field) => `<${field}>` }), (error: unknown) => {
      assert.ok(error instanceof AccountantError);
      assert.equal(error.field, 'budgetHorizonMillis');
      assert.match(error.message, /^<budgetHorizonMillis> is 0ms/);
      return true;
    });
  });
});
