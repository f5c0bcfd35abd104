import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRetryAfterMillis } from '../src/retry-after.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

test('Retry-After in seconds', () => {
  assert.equal(parseRetryAfterMillis('1', NOW), 1000);
  assert.equal(parseRetryAfterMillis(' 120 ', NOW), 120_000);
  assert.equal(parseRetryAfterMillis('0', NOW), 0);
});

test('Retry-After as an HTTP-date, relative to now', () => {
  assert.equal(parseRetryAfterMillis('Wed, 01 May 2024 12:00:30 GMT', NOW), 30_000);
  assert.equal(parseRetryAfterMillis('Wed, 01 May 2024 11:59:00 GMT', NOW), 0);
  assert.equal(parseRetryAfterMillis('Wednesday, 01-May-24 12:00:10 GMT', NOW), 10_000); // RFC 850
  assert.equal(parseRetryAfterMillis('Wed May  1 12:00:05 2024', Date.parse('Wed May  1 12:00:00 2024')), 5_000); // asctime, local time on both sides
});

test('absent or unreadable Retry-After gives undefined', () => {
  assert.equal(parseRetryAfterMillis(undefined, NOW), undefined);
  assert.equal(parseRetryAfterMillis('soon', NOW), undefined);
  assert.equal(parseRetryAfterMillis('-5', NOW), undefined);
  assert.equal(parseRetryAfterMillis('1.5', NOW), undefined);
});
