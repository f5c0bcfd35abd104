import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDefaultConfig, resolveReceiverConfig, tlsConfigFromFlags, validateReceiverConfig, type OtlpReceiverConfig } from '../src/config.js';
import { ReceiverBusyError, ReceiverConfigError } from '../src/errors.js';
import { InflightBytes } from '../src/inflight-bytes.js';
import { AttributeLimits } from '../src/limits.js';
import type { ReceiverConfigField } from '../src/config.js';
import { attribute, requestWithAttributes } from './support/requests.js';

const base = createDefaultConfig();

/** One wrong value per checked field, and the field the error must carry. */
const WRONG: [Partial<OtlpReceiverConfig>, ReceiverConfigField][] = [
  [{ httpListen: { host: '', port: 1 } }, 'httpListen'],
  [{ grpcListen: { host: 'localhost', port: -1 } }, 'grpcListen'],
  [{ maxRequestBytes: 0 }, 'maxRequestBytes'],
  [{ maxGzipRatio: 0.5 }, 'maxGzipRatio'],
  [{ maxAttributesPerPoint: 0 }, 'maxAttributesPerPoint'],
  [{ maxAttributeValueLength: 1.5 }, 'maxAttributeValueLength'],
  [{ maxMessagesPerRequest: -3 }, 'maxMessagesPerRequest'],
  [{ maxInflightBytes: 10 }, 'maxInflightBytes'],
  [{ maxConnections: 0 }, 'maxConnections'],
  [{ grpcMaxConcurrentStreams: 0 }, 'grpcMaxConcurrentStreams'],
  [{ grpcMaxConnectionIdleMs: 0 }, 'grpcMaxConnectionIdleMs'],
  [{ grpcKeepaliveTimeMs: 0 }, 'grpcKeepaliveTimeMs'],
  [{ grpcKeepaliveTimeoutMs: 0 }, 'grpcKeepaliveTimeoutMs'],
  [{ grpcKeepaliveMinTimeMs: 0 }, 'grpcKeepaliveMinTimeMs'],
  [{ tls: { certFile: '', keyFile: 'k' } }, 'tls.certFile'],
  [{ tls: { certFile: 'c', keyFile: 'k', clientCaFile: ' ' } }, 'tls.clientCaFile'],
];

function carries(field: string, name: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ReceiverConfigError, String(error));
    assert.equal(error.field, field);
    assert.ok(error.message.startsWith(name), error.message);
    return true;
  };
}

describe('receiver configuration fields', () => {
  it('carries the field at fault in every validation error, and names it in the message', () => {
    for (const [wrong, field] of WRONG) {
      assert.throws(() => validateReceiverConfig({ ...base, ...wrong }), carries(field, field), field);
    }
  });

  it('names the field as settingName says', () => {
    for (const [wrong, field] of WRONG) {
      assert.throws(() => validateReceiverConfig({ ...base, ...wrong }, (name) => `<${name}>`), carries(field, `<${field}>`), field);
    }
    assert.throws(() => tlsConfigFromFlags({ cert: 'c' }, (name) => `<${name}>`), carries('tls.keyFile', '<tls.certFile> is given without <tls.keyFile>'));
  });

  it('resolves unset fields to the defaults, keeping what is set', () => {
    const resolved = resolveReceiverConfig({ httpListen: 'off', grpcListen: base.grpcListen, maxRequestBytes: 1024, maxConnections: 3 });
    assert.deepEqual(resolved, { ...base, httpListen: 'off', maxRequestBytes: 1024, maxConnections: 3 });
    assert.equal('tls' in resolved, false);
  });

  it('tells clients the limit under the name it is given, by default the field', () => {
    const request = requestWithAttributes({ point: [attribute('a', '1'), attribute('b', '2')] });
    assert.throws(() => new AttributeLimits(1, 16).check(request), /\(maxAttributesPerPoint\)$/);
    assert.throws(() => new AttributeLimits(1, 16, (field) => `<${field}>`).check(request), /\(<maxAttributesPerPoint>\)$/);
    const hold = new InflightBytes(10, '<maxInflightBytes>').hold();
    assert.equal(hold.take(11), false);
    assert.match(new ReceiverBusyError(hold.limit, hold.limitName).message, /holds 10 bytes of requests in flight \(<maxInflightBytes>\)/);
  });
});
