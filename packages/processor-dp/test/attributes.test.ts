import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KeyValue } from '@otel-dp/otlp';
import { attributesHash, attributesKey, sameAttributes } from '../src/attributes.js';

const kv = (key: string, value: KeyValue['value']): KeyValue => ({ key, value });

describe('attribute identity', () => {
  const sets: KeyValue[][] = [
    [kv('http.route', { stringValue: '/a' }), kv('code', { intValue: 200n }), kv('api.token', { stringValue: 't1' })],
    [kv('b', { stringValue: 'x' }), kv('aa', { stringValue: 'y' })],
    [kv('list', { arrayValue: { values: [{ stringValue: 'p' }, { doubleValue: 1.5 }] } }), kv('ok', { boolValue: true })],
    [kv('nested', { kvlistValue: { values: [kv('z', { bytesValue: new Uint8Array([1, 2]) }), kv('y', { intValue: -3n })] } })],
  ];

  it('does not depend on attribute order, and leaves out the token', () => {
    for (const set of sets) {
      const reversed = [...set].reverse();
      assert.equal(attributesKey(set, 'api.token'), attributesKey(reversed, 'api.token'));
      assert.equal(attributesHash(set, 'api.token'), attributesHash(reversed, 'api.token'));
      assert.ok(sameAttributes(set, reversed, 'api.token'));
    }
    const withToken = sets[0];
    const otherToken = [withToken[0], withToken[1], kv('api.token', { stringValue: 't2' })];
    assert.equal(attributesKey(withToken, 'api.token'), attributesKey(otherToken, 'api.token'));
    assert.equal(attributesHash(withToken, 'api.token'), attributesHash(otherToken, 'api.token'));
    assert.ok(sameAttributes(withToken, otherToken, 'api.token'));
  });

  it('tells different sets apart', () => {
    const variants: KeyValue[][] = [
      [kv('a', { stringValue: '1' })],
      [kv('a', { intValue: 1n })],
      [kv('a', { doubleValue: 1 })],
      [kv('a', { stringValue: '1' }), kv('b', { stringValue: '' })],
      [kv('a1', { stringValue: '' })],
      [kv('a', { stringValue: '1b' })],
      [kv('a', { boolValue: true })],
      [kv('a', { arrayValue: { values: [{ stringValue: '1' }] } })],
      [],
    ];
    const keys = new Set(variants.map((set) => attributesKey(set)));
    const hashes = new Set(variants.map((set) => attributesHash(set)));
    assert.equal(keys.size, variants.length);
    assert.equal(hashes.size, variants.length);
    for (let i = 0; i < variants.length; i++) {
      for (let j = 0; j < variants.length; j++) assert.equal(sameAttributes(variants[i], variants[j]), i === j, `${i} vs ${j}`);
    }
  });
});
