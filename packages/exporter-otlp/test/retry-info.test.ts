import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RETRY_INFO_TYPE_URL } from '@otel-dp/otlp';
import { retryInfoDelayMillis } from '../src/retry-info.js';
import { retryInfoBytes } from './support/rpc-status-fixture.js';

function detail(typeUrl: string, value: Uint8Array | number[]): { typeUrl: string; value: Uint8Array } {
  return { typeUrl, value: Uint8Array.from(value) };
}

test('reads seconds and nanos of retry_delay', () => {
  assert.equal(retryInfoDelayMillis([detail(RETRY_INFO_TYPE_URL, retryInfoBytes(2250))]), 2250);
  assert.equal(retryInfoDelayMillis([detail(RETRY_INFO_TYPE_URL, retryInfoBytes(300))]), 300);
});

test('skips other details and finds RetryInfo among them', () => {
  const other = detail('type.googleapis.com/google.rpc.BadRequest', [0x0a, 0x00]);
  assert.equal(retryInfoDelayMillis([other, detail(RETRY_INFO_TYPE_URL, retryInfoBytes(1000))]), 1000);
});

test('no RetryInfo gives undefined; an empty or unreadable one gives 0', () => {
  assert.equal(retryInfoDelayMillis([]), undefined);
  assert.equal(retryInfoDelayMillis([detail('type.googleapis.com/google.rpc.DebugInfo', [])]), undefined);
  assert.equal(retryInfoDelayMillis([detail(RETRY_INFO_TYPE_URL, [])]), 0);
  assert.equal(retryInfoDelayMillis([detail(RETRY_INFO_TYPE_URL, [0x0a, 0x05, 0x08])]), 0); // length past the end
});
