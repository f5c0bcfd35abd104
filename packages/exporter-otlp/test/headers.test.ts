import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExporterError } from '@otel-dp/exporter-helper';
import { parseOtlpHeaders } from '../src/index.js';

test('parses key=value pairs, trimming whitespace', () => {
  assert.deepEqual(parseOtlpHeaders(' api-key = abc ,x-tenant=acme'), { 'api-key': 'abc', 'x-tenant': 'acme' });
});

test('percent-decodes values', () => {
  assert.deepEqual(parseOtlpHeaders('Authorization=Bearer%20abc%3D%3D'), { Authorization: 'Bearer abc==' });
});

test('keeps "=" inside a value and skips empty members', () => {
  assert.deepEqual(parseOtlpHeaders('a=b=c,,b=2,'), { a: 'b=c', b: '2' });
  assert.deepEqual(parseOtlpHeaders(''), {});
});

test('a repeated key keeps its last value', () => {
  assert.deepEqual(parseOtlpHeaders('a=1,a=2'), { a: '2' });
});

test('a "__proto__" key is an ordinary header', () => {
  const headers = parseOtlpHeaders('__proto__=x');
  assert.equal(Object.getPrototypeOf(headers), Object.prototype);
  assert.deepEqual(Object.entries(headers), [['__proto__', 'x']]);
});

function assertRejected(text: string, pattern: RegExp, secret: string): void {
  assert.throws(
    () => parseOtlpHeaders(text),
    (error: unknown) => {
      assert.ok(error instanceof ExporterError);
      assert.equal(error.code, 'EXPORT_CONFIG_INVALID');
      assert.match(error.message, pattern);
      assert.ok(!error.message.includes(secret), `message quotes the secret: ${error.message}`);
      return true;
    },
  );
}

test('malformed members are named by position without quoting secrets', () => {
  assertRejected('a=1,Bearer s3cr3t', /header 2 of 2 has no "="/, 's3cr3t');
  assertRejected('=s3cr3t', /header 1 of 1 has an empty key/, 's3cr3t');
  assertRejected('Bearer s3cr3t==', /header 1 of 1 has a key that is not a valid header name/, 's3cr3t');
  assertRejected('token=s3cr3t%zz', /header token has a malformed percent-encoded value/, 's3cr3t');
  assertRejected('token=s3cr3t%0Aevil', /header token has a value with a line break/, 's3cr3t');
});
