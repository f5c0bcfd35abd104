import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HIDDEN_VALUE } from '../src/index.js';
import { displayConfigValue, isSecretKey } from '../src/config-display.js';
import { mustHideValue } from '../src/credential-shape.js';

describe('secret keys', () => {
  it('hides keys that name a secret, by word', () => {
    for (const key of ['exporter-header', 'self-telemetry-headers', 'apiKey', 'api_key', 'tls.privateKey', 'password', 'client-secret', 'auth', 'access-token', 'Authorization']) {
      assert.ok(isSecretKey(key), key);
    }
  });

  it('shows settings that only mention tokens or keys', () => {
    for (const key of ['token-attribute', 'max-series-per-token', 'max-tokens', 'tls-key', 'public-keys', 'window', 'epsilon', 'exporter-endpoint']) {
      assert.ok(!isSecretKey(key), key);
    }
  });
});

describe('displayConfigValue', () => {
  it('shows plain values, joins lists, and hides secrets by key or by shape', () => {
    assert.equal(displayConfigValue('epsilon', 1), '1');
    assert.equal(displayConfigValue('untokened-pass', false), 'false');
    assert.equal(displayConfigValue('clip', ['http.*=0:100', 'db.*=0:10']), 'http.*=0:100, db.*=0:10');
    assert.equal(displayConfigValue('exporter-endpoint', 'https://collector.example:4318/v1/metrics'), 'https://collector.example:4318/v1/metrics');
    assert.equal(displayConfigValue('state-dir', '/var/lib/otel-dp/state-2024-11-27-long-name'), '/var/lib/otel-dp/state-2024-11-27-long-name');
    assert.equal(displayConfigValue('exporter-header', 'x-team=blue'), HIDDEN_VALUE);
    assert.equal(displayConfigValue('exporter-endpoint', 'https://user:pw@collector.example'), HIDDEN_VALUE);
    assert.equal(displayConfigValue('note', 'ghp_0123456789abcdefABCDEF0123456789'), HIDDEN_VALUE);
    assert.equal(displayConfigValue('tags', ['a', 'Bearer 9f3kQ2x7Lm']), HIDDEN_VALUE);
  });
});

describe('mustHideValue', () => {
  it('tells opaque keys from words, addresses and paths', () => {
    assert.ok(mustHideValue('AKIAIOSFODNN7EXAMPLE'));
    assert.ok(mustHideValue('550e8400e29b41d4a716446655440000'));
    assert.ok(mustHideValue('550e8400-e29b-41d4-a716-446655440000'), 'a UUID');
    assert.ok(mustHideValue('sk_live_4eC39HqLyjWDarjtT1zdp7dc'));
    assert.ok(mustHideValue('Authorization: Basic dXNlcjpwYXNz'));
    assert.ok(mustHideValue('bearer abc.def-ghi'));
    assert.ok(!mustHideValue('bearer authentication'), 'a word after the scheme');
    assert.ok(!mustHideValue('state-2024-11-27-long-name'), 'a hyphenated name with a date');
    assert.ok(!mustHideValue('unspecified_temporality_and_more'), 'letters only');
    assert.ok(!mustHideValue('12345678901234567890123'), 'digits only');
    assert.ok(!mustHideValue('10.0.0.12:4318'));
    assert.ok(!mustHideValue('/srv/otel-dp/2024/11/state'));
    assert.ok(!mustHideValue('the token attribute'));
  });
});
