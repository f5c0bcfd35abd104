import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDefaultConfig as defaultAdminConfig } from '@otel-dp/admin';
import { createDefaultConfig as defaultProcessorConfig, validateDpProcessorConfig, DpConfigError } from '@otel-dp/processor-dp';
import { createDefaultConfig as defaultReceiverConfig, validateReceiverConfig, ReceiverConfigError } from '@otel-dp/receiver-otlp';
import {
  ADMIN_FIELD_FLAGS,
  NOT_EXPOSED,
  OFFLINE_FIELD_FLAGS,
  PROCESSOR_FIELD_FLAGS,
  RECEIVER_FIELD_FLAGS,
  SPAN_METRICS_FIELD_FLAGS,
  flagOf,
  processorSettingName,
  receiverSettingName,
  type FieldFlags,
} from '../src/field-flags.js';
import { ALL_FLAG_NAMES } from '../src/options.js';

const TABLES: [string, FieldFlags<string>][] = [
  ['processor', PROCESSOR_FIELD_FLAGS],
  ['receiver', RECEIVER_FIELD_FLAGS],
  ['span metrics', SPAN_METRICS_FIELD_FLAGS],
  ['admin', ADMIN_FIELD_FLAGS],
  ['offline', OFFLINE_FIELD_FLAGS],
];

describe('the field-to-flag mapping', () => {
  it('lists every field of the processor and receiver configurations', () => {
    for (const field of Object.keys(defaultProcessorConfig())) assert.ok(Object.hasOwn(PROCESSOR_FIELD_FLAGS, field), `processor field ${field}`);
    for (const field of ['maxEpsilonHorizon', 'stateDir']) assert.ok(Object.hasOwn(PROCESSOR_FIELD_FLAGS, field), `processor field ${field}`);
    for (const field of Object.keys(defaultReceiverConfig())) assert.ok(Object.hasOwn(RECEIVER_FIELD_FLAGS, field), `receiver field ${field}`);
    for (const field of ['tls', 'tls.certFile', 'tls.keyFile', 'tls.clientCaFile']) assert.ok(Object.hasOwn(RECEIVER_FIELD_FLAGS, field), `receiver field ${field}`);
    for (const field of [...Object.keys(defaultAdminConfig()), 'windowMillis', 'endpoint']) assert.ok(Object.hasOwn(ADMIN_FIELD_FLAGS, field), `admin field ${field}`);
  });

  it('gives each field exactly one flag that exists, or marks it not exposed', () => {
    for (const [name, table] of TABLES) {
      const seen = new Map<string, string>();
      for (const [field, flag] of Object.entries(table)) {
        if (flag === NOT_EXPOSED) continue;
        assert.ok(ALL_FLAG_NAMES.has(flag), `${name}: ${field} maps to --${flag}, which is not a flag`);
        assert.equal(seen.get(flag), undefined, `${name}: --${flag} sets both ${seen.get(flag)} and ${field}`);
        seen.set(flag, field);
      }
    }
  });

  it('leaves no flag of the components unmapped', () => {
    const mapped = new Set(TABLES.flatMap(([, table]) => Object.values(table)));
    const componentFlags = ['epsilon', 'max-window-bytes', 'state-dir', 'max-attributes-per-point', 'tls-cert', 'grpc-keepalive-time', 'span-kinds', 'runs', 'admin-listen', 'self-telemetry-endpoint'];
    for (const flag of componentFlags) assert.ok(mapped.has(flag), `--${flag}`);
    assert.equal(flagOf(RECEIVER_FIELD_FLAGS, 'tls'), undefined);
    assert.equal(flagOf(PROCESSOR_FIELD_FLAGS, 'toString'), undefined);
  });

  it('turns a field error into the flag-named message', () => {
    const processor = defaultProcessorConfig();
    assert.throws(() => validateDpProcessorConfig({ ...processor, epsilon: 0 }, processorSettingName), (error: unknown) => {
      assert.ok(error instanceof DpConfigError);
      assert.equal(error.field, 'epsilon');
      assert.equal(error.message, '--epsilon is 0, must be positive and finite');
      return true;
    });
    assert.throws(
      () => validateDpProcessorConfig({ ...processor, maxEpsilonHorizon: 3 }, processorSettingName),
      { field: 'maxEpsilonHorizon', message: '--max-epsilon-horizon needs --state-dir, so that a restart cannot reset the spent budget' },
    );
    assert.throws(() => validateReceiverConfig({ ...defaultReceiverConfig(), maxGzipRatio: 0.5 }, receiverSettingName), (error: unknown) => {
      assert.ok(error instanceof ReceiverConfigError);
      assert.equal(error.field, 'maxGzipRatio');
      assert.equal(error.message, '--max-gzip-ratio is 0.5, must be a number of at least 1');
      return true;
    });
  });
});
