import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMetricsRequest, encodeMetricsRequest } from '@otel-dp/otlp';
import type { AnyValue, KeyValue } from '@otel-dp/otlp';
import { AttributeLimitError } from '../src/errors.js';
import { AttributeLimits, MAX_ATTRIBUTE_NESTING_DEPTH } from '../src/limits.js';
import { METRIC_KINDS, attribute, manyAttributes, requestWithAttributes } from './support/requests.js';
import type { AttributePlacement, MetricKind } from './support/requests.js';

const SECRET = 'tok_live_3c9d02';
const limits = new AttributeLimits(4, 16);

function refusal(placement: AttributePlacement, kind: MetricKind = 'gauge', checker = limits): AttributeLimitError {
  // The metric's name carries the secret too: a message naming the metric would show it.
  const request = requestWithAttributes(placement, kind, `http.requests.${SECRET}`);
  try {
    checker.check(request);
  } catch (error) {
    assert.ok(error instanceof AttributeLimitError, `expected AttributeLimitError, got ${String(error)}`);
    assert.ok(!error.message.includes(SECRET), `the message quotes a secret: ${error.message}`);
    return error;
  }
  return assert.fail('the request passed the check');
}

const kvlist = (values: KeyValue[]): AnyValue => ({ kvlistValue: { values } });
const array = (values: AnyValue[]): AnyValue => ({ arrayValue: { values } });

/** A value with `depth` levels: depth 1 is a plain string, each level more wraps it in an array or a kvlist. */
function nested(depth: number): AnyValue {
  let value: AnyValue = { stringValue: 'x' };
  for (let level = 1; level < depth; level++) value = level % 2 === 0 ? array([value]) : kvlist([{ key: 'k', value }]);
  return value;
}

describe('AttributeLimits: counts', () => {
  it('accepts lists at the limit and refuses one more, on data points of every metric type', () => {
    for (const kind of METRIC_KINDS) {
      limits.check(requestWithAttributes({ point: manyAttributes(4) }, kind));
      const error = refusal({ point: manyAttributes(5) }, kind);
      assert.equal(error.code, 'RECEIVER_TOO_MANY_ATTRIBUTES');
      assert.equal(
        error.message,
        'data point 1 of resourceMetrics[0].scopeMetrics[0].metrics[1] has more than 4 attributes, ' +
          'nested key-value entries included (maxAttributesPerPoint)',
        kind,
      );
    }
  });

  it('checks resource and scope attributes, each list on its own', () => {
    limits.check(requestWithAttributes({ resource: manyAttributes(4), scope: manyAttributes(4), point: manyAttributes(4) }));
    assert.match(refusal({ resource: manyAttributes(5) }).message, /^the resource attributes of resourceMetrics\[0\] has more than 4 attributes/);
    assert.match(refusal({ scope: manyAttributes(5) }).message, /^the scope attributes of resourceMetrics\[0\]\.scopeMetrics\[0\] has more than 4/);
  });

  it('counts the entries of nested key-value lists, in arrays too', () => {
    // 2 top-level entries + 2 nested = 4: at the limit.
    limits.check(requestWithAttributes({ point: [attribute('a', 'v'), { key: 'b', value: kvlist(manyAttributes(2)) }] }));
    assert.equal(refusal({ point: [attribute('a', 'v'), { key: 'b', value: kvlist(manyAttributes(3)) }] }).code, 'RECEIVER_TOO_MANY_ATTRIBUTES');
    const inArray = { key: 'b', value: array([kvlist(manyAttributes(2)), kvlist(manyAttributes(1))]) };
    assert.equal(refusal({ point: [attribute('a', 'v'), inArray] }).code, 'RECEIVER_TOO_MANY_ATTRIBUTES');
    // Array elements themselves are values, not attributes.
    limits.check(requestWithAttributes({ point: [{ key: 'list', value: array(Array.from({ length: 50 }, () => ({ intValue: 1n }))) }] }));
  });
});

describe('AttributeLimits: lengths', () => {
  it('refuses a string value past the limit without quoting it', () => {
    limits.check(requestWithAttributes({ point: [attribute('token', 'x'.repeat(16))] }));
    const error = refusal({ point: [attribute('token', `${SECRET}-and-more`)] });
    assert.equal(error.code, 'RECEIVER_ATTRIBUTE_TOO_LONG');
    assert.equal(
      error.message,
      'data point 1 of resourceMetrics[0].scopeMetrics[0].metrics[1] has a string attribute value ' +
        'longer than 16 characters (maxAttributeValueLength)',
    );
  });

  it('refuses bytes values and keys past the limit', () => {
    limits.check(requestWithAttributes({ point: [{ key: 'b', value: { bytesValue: new Uint8Array(16) } }] }));
    const bytes = refusal({ point: [{ key: 'b', value: { bytesValue: new Uint8Array(17) } }] });
    assert.equal(bytes.code, 'RECEIVER_ATTRIBUTE_TOO_LONG');
    assert.match(bytes.message, /has a bytes attribute value longer than 16 bytes/);
    const key = refusal({ resource: [attribute(`${SECRET}-and-more`, 'v')] });
    assert.match(key.message, /^the resource attributes of resourceMetrics\[0\] has an attribute key longer than 16 characters/);
  });

  it('looks inside arrays and key-value lists', () => {
    const longString: AnyValue = { stringValue: SECRET.repeat(2) };
    assert.equal(refusal({ point: [{ key: 'a', value: array([{ intValue: 1n }, longString]) }] }).code, 'RECEIVER_ATTRIBUTE_TOO_LONG');
    assert.equal(refusal({ scope: [{ key: 'a', value: kvlist([{ key: 'inner', value: longString }]) }] }).code, 'RECEIVER_ATTRIBUTE_TOO_LONG');
    assert.equal(refusal({ point: [{ key: 'a', value: kvlist([{ key: SECRET.repeat(2), value: { boolValue: true } }]) }] }).code, 'RECEIVER_ATTRIBUTE_TOO_LONG');
  });

  it('measures strings in UTF-16 code units', () => {
    // 16 characters of the Basic Multilingual Plane, then 8 astral characters (16 code units), then 9.
    limits.check(requestWithAttributes({ point: [attribute('k', 'é'.repeat(16))] }));
    limits.check(requestWithAttributes({ point: [attribute('k', '😀'.repeat(8))] }));
    assert.equal(refusal({ point: [attribute('k', '😀'.repeat(9))] }).code, 'RECEIVER_ATTRIBUTE_TOO_LONG');
  });
});

describe('AttributeLimits: nesting', () => {
  it(`accepts values nested ${MAX_ATTRIBUTE_NESTING_DEPTH} levels deep and refuses one more`, () => {
    const wide = new AttributeLimits(1000, 16);
    wide.check(requestWithAttributes({ point: [{ key: 'deep', value: nested(MAX_ATTRIBUTE_NESTING_DEPTH) }] }));
    const error = refusal({ point: [{ key: 'deep', value: nested(MAX_ATTRIBUTE_NESTING_DEPTH + 1) }] }, 'gauge', wide);
    assert.equal(error.code, 'RECEIVER_ATTRIBUTE_TOO_DEEP');
    assert.match(error.message, /nested deeper than 8 levels$/);
  });
});

describe('AttributeLimits: whole requests', () => {
  it('passes requests without resource, scope or points', () => {
    limits.check({ resourceMetrics: [] });
    limits.check({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'no data', description: '', unit: '', metadata: [] }], schemaUrl: '' }], schemaUrl: '' }] });
  });

  it('checks a decoded request like the one it came from', () => {
    const request = decodeMetricsRequest(encodeMetricsRequest(requestWithAttributes({ point: [{ key: 'a', value: kvlist(manyAttributes(4)) }] }, 'histogram')));
    assert.throws(() => limits.check(request), /data point 1 of resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[1\]/);
  });

  it('measures a frozen decoded list once per limits, and an unfrozen list every time', () => {
    const fourAttributes = encodeMetricsRequest(requestWithAttributes({ point: manyAttributes(4) }));
    limits.check(decodeMetricsRequest(fourAttributes));
    limits.check(decodeMetricsRequest(fourAttributes));
    // The same shared frozen list, against limits that have not accepted it.
    assert.throws(() => new AttributeLimits(3, 16).check(decodeMetricsRequest(fourAttributes)), { code: 'RECEIVER_TOO_MANY_ATTRIBUTES' });
    const reused = manyAttributes(4);
    const request = requestWithAttributes({ point: reused });
    limits.check(request);
    reused.push(attribute('a4', 'v'));
    assert.throws(() => limits.check(request), { code: 'RECEIVER_TOO_MANY_ATTRIBUTES' });
  });

  it('never quotes the metric name, however long', () => {
    const request = requestWithAttributes({ point: manyAttributes(5) }, 'sum', 'n'.repeat(500));
    assert.throws(() => limits.check(request), (error: unknown) => {
      assert.ok(error instanceof AttributeLimitError);
      assert.ok(!error.message.includes('nnn'), error.message);
      assert.ok(error.message.length < 300);
      return true;
    });
  });
});
