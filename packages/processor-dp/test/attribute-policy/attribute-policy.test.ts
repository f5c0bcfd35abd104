import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnyValue, KeyValue } from '@otel-dp/otlp';
import { DpConfigError } from '../../src/index.js';
import { AttributePolicy, type AttributePolicyConfig, type DropReason } from '../../src/attribute-policy/index.js';

const GITHUB_TOKEN = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';
const BEARER = 'Bearer 8f3kLm2Qz9xT4vWp';

function policy(config: Partial<AttributePolicyConfig> = {}): AttributePolicy {
  return new AttributePolicy({ dropAttributes: [], keepAttributes: [], ...config });
}

function text(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}

/** Runs `filter` and tallies the reasons it reported. */
function filterCounting(subject: AttributePolicy, attributes: KeyValue[]): { kept: KeyValue[]; drops: Map<DropReason, number>; calls: unknown[][] } {
  const drops = new Map<DropReason, number>();
  const calls: unknown[][] = [];
  const kept = subject.filter(attributes, (...args: unknown[]) => {
    calls.push(args);
    const reason = args[0] as DropReason;
    drops.set(reason, (drops.get(reason) ?? 0) + 1);
  });
  return { kept, drops, calls };
}

const keys = (attributes: KeyValue[]): string[] => attributes.map((attribute) => attribute.key);

describe('AttributePolicy.filter', () => {
  it('returns the same array when nothing is removed', () => {
    const subject = policy();
    const attributes = [
      text('http.route', '/users/{id}'),
      text('http.request.method', 'GET'),
      { key: 'http.response.status_code', value: { intValue: 200n } },
      { key: 'cache.hit', value: { boolValue: true } },
      { key: 'ratio', value: { doubleValue: 0.5 } },
      { key: 'empty', value: {} },
      { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'blue' }, { intValue: 3n }] } } },
    ];
    const drops: DropReason[] = [];
    assert.equal(subject.filter(attributes, (reason) => drops.push(reason)), attributes);
    // The second call is served from the verdict cache and still returns the same array.
    assert.equal(subject.filter(attributes), attributes);
    assert.deepEqual(drops, []);
    const none: KeyValue[] = [];
    assert.equal(subject.filter(none), none);
  });

  it('removes a credential value whatever the key, keeps the rest in order, and leaves the input untouched', () => {
    const attributes = [text('http.route', '/orders'), text('note', GITHUB_TOKEN), text('region', 'eu-west-1'), text('x', BEARER)];
    const before = structuredClone(attributes);
    const { kept, drops } = filterCounting(policy(), attributes);
    assert.notEqual(kept, attributes);
    assert.deepEqual(keys(kept), ['http.route', 'region']);
    assert.deepEqual(drops, new Map([['credential', 2]]));
    assert.deepEqual(attributes, before);
  });

  it('drops a whole array or key/value list when a credential sits anywhere inside', () => {
    const nestedArray: AnyValue = { arrayValue: { values: [{ stringValue: 'ok' }, { arrayValue: { values: [{ stringValue: GITHUB_TOKEN }] } }] } };
    const nestedList: AnyValue = {
      kvlistValue: { values: [text('user', 'alice'), { key: 'headers', value: { kvlistValue: { values: [text('x-request', BEARER)] } } }] },
    };
    const cleanList: AnyValue = { kvlistValue: { values: [text('user', 'alice'), { key: 'n', value: { intValue: 1n } }] } };
    const { kept, drops } = filterCounting(policy(), [
      { key: 'a', value: nestedArray },
      { key: 'b', value: nestedList },
      { key: 'c', value: cleanList },
    ]);
    assert.deepEqual(keys(kept), ['c']);
    assert.equal(kept[0].value, cleanList);
    assert.deepEqual(drops, new Map([['credential', 2]]));
  });

  it('drops a value whose key names a secret, or whose key is itself a credential', () => {
    const { kept, drops } = filterCounting(policy(), [
      text('http.request.header.authorization', 'opaque'),
      text('http.request.header.cookie', 'sid=42'),
      text('db.password', 'hunter2'),
      text(GITHUB_TOKEN, 'seen'),
      { key: 'request', value: { kvlistValue: { values: [text('password', 'x')] } } },
      text('http.request.header.content-type', 'application/json'),
      text('gen_ai.usage.input_tokens', '12'),
    ]);
    assert.deepEqual(keys(kept), ['http.request.header.content-type', 'gen_ai.usage.input_tokens']);
    assert.deepEqual(drops, new Map([['credential', 5]]));
  });

  it('treats opaque bytes of 16 or more as a key and judges shorter bytes as text', () => {
    const { kept, drops } = filterCounting(policy(), [
      { key: 'raw', value: { bytesValue: new Uint8Array(16) } },
      { key: 'auth', value: { bytesValue: new TextEncoder().encode('pwd=hunter2') } },
      { key: 'flags', value: { bytesValue: new Uint8Array([1, 2, 3]) } },
    ]);
    assert.deepEqual(keys(kept), ['flags']);
    assert.deepEqual(drops, new Map([['credential', 2]]));
  });

  it('fails closed on values nested deeper than it inspects', () => {
    let deep: AnyValue = { stringValue: 'leaf' };
    for (let i = 0; i < 40; i++) deep = { arrayValue: { values: [deep] } };
    let shallow: AnyValue = { stringValue: 'leaf' };
    for (let i = 0; i < 5; i++) shallow = { kvlistValue: { values: [{ key: 'k', value: shallow }] } };
    const { kept, drops } = filterCounting(policy(), [
      { key: 'deep', value: deep },
      { key: 'shallow', value: shallow },
    ]);
    assert.deepEqual(keys(kept), ['shallow']);
    assert.deepEqual(drops, new Map([['credential', 1]]));
  });

  it('removes keys on the drop list', () => {
    const { kept, drops } = filterCounting(policy({ dropAttributes: ['user.id', 'client.address'] }), [
      text('http.route', '/a'),
      text('user.id', 'u-1'),
      text('client.address', '10.0.0.1'),
      text('user.id.kind', 'internal'),
    ]);
    assert.deepEqual(keys(kept), ['http.route', 'user.id.kind']);
    assert.deepEqual(drops, new Map([['dropped', 2]]));
  });

  it('keeps only listed keys in allow-list mode, and still removes credentials among them', () => {
    const { kept, drops } = filterCounting(policy({ keepAttributes: ['http.route', 'http.request.method', 'note'] }), [
      text('http.route', '/a'),
      text('http.request.method', 'POST'),
      text('user_agent.original', 'curl/8.5.0'),
      text('host.name', 'ip-10-0-0-1'),
      text('note', GITHUB_TOKEN),
    ]);
    assert.deepEqual(keys(kept), ['http.route', 'http.request.method']);
    assert.deepEqual(
      drops,
      new Map([
        ['not_kept', 2],
        ['credential', 1],
      ]),
    );
  });

  it('counts each removed attribute once, under the first reason in the order dropped, not_kept, credential', () => {
    const subject = policy({ dropAttributes: ['secret.dropped'], keepAttributes: ['route', 'leak'] });
    const { kept, drops, calls } = filterCounting(subject, [
      text('secret.dropped', GITHUB_TOKEN),
      text('secret.unlisted', GITHUB_TOKEN),
      text('leak', GITHUB_TOKEN),
      text('route', '/a'),
    ]);
    assert.deepEqual(keys(kept), ['route']);
    assert.deepEqual(
      drops,
      new Map([
        ['dropped', 1],
        ['not_kept', 1],
        ['credential', 1],
      ]),
    );
    // Only the reason is passed: neither the key nor the value reaches the callback.
    assert.ok(calls.every((args) => args.length === 1));
    assert.ok(!JSON.stringify(calls).includes('ghp_'));
  });

  it('works without a callback', () => {
    assert.deepEqual(keys(policy({ dropAttributes: ['b'] }).filter([text('a', '1'), text('b', '2'), text('c', GITHUB_TOKEN)])), ['a']);
  });

  it('gives the same verdicts after its cache has been cleared many times', () => {
    const subject = policy();
    const tokenAttribute = [text('note', GITHUB_TOKEN)];
    assert.equal(subject.filter(tokenAttribute).length, 0);
    for (let i = 0; i < 25_000; i++) {
      const clean = [text('order', `order-${i}`)];
      assert.equal(subject.filter(clean), clean);
    }
    assert.equal(subject.filter(tokenAttribute).length, 0);
  });
});

describe('AttributePolicy configuration', () => {
  it('rejects an empty key, naming the flag', () => {
    assert.throws(() => policy({ dropAttributes: [''] }), (error: unknown) => {
      assert.ok(error instanceof DpConfigError);
      assert.equal(error.code, 'DP_CONFIG');
      assert.match(error.message, /^dropAttributes is empty/);
      return true;
    });
    assert.throws(() => policy({ keepAttributes: ['route', ''] }), /^DpConfigError: keepAttributes has an empty key/);
  });

  it('rejects a key that is both dropped and kept', () => {
    assert.throws(() => policy({ dropAttributes: ['route'], keepAttributes: ['route', 'method'] }), /dropAttributes route is also in keepAttributes/);
  });
});
