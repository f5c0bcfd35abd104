import assert from 'node:assert/strict';
import { test } from 'node:test';
import { POOLED_MESSAGE_MAX_BYTES, allocateMessageBuffer, giveMessageBuffer, takeIdleMessageBuffer } from '../src/grpc-message-pool.js';

test('a message buffer has exactly the size asked for', () => {
  for (const size of [1, 5, 65_536, 205_000, POOLED_MESSAGE_MAX_BYTES]) assert.equal(allocateMessageBuffer(size).length, size);
});

test('a buffer given back serves one later message, cut to its size', () => {
  const first = allocateMessageBuffer(100_000);
  giveMessageBuffer(first);
  const second = takeIdleMessageBuffer(90_000);
  assert.equal(second?.buffer, first.buffer);
  assert.equal(second?.length, 90_000);
  assert.equal(takeIdleMessageBuffer(90_000), undefined);
});

test('no idle buffer is handed out for a message larger than it', () => {
  giveMessageBuffer(allocateMessageBuffer(70_000));
  assert.equal(takeIdleMessageBuffer(300_000), undefined);
  assert.notEqual(takeIdleMessageBuffer(70_000), undefined);
});

test('buffers the pool did not allocate are left alone', () => {
  giveMessageBuffer(Buffer.allocUnsafeSlow(200_000));
  assert.equal(takeIdleMessageBuffer(150_000), undefined);
});
