import assert from 'node:assert/strict';
import { test } from 'node:test';
import { POOLED_MESSAGE_MAX_BYTES, giveMessageBuffer, takeMessageBuffer } from '../src/grpc-message-pool.js';

test('a message buffer has exactly the size asked for', () => {
  for (const size of [1, 5, 65_536, 205_000, POOLED_MESSAGE_MAX_BYTES]) assert.equal(takeMessageBuffer(size).length, size);
});

test('a buffer given back serves a later message, and is not handed out twice', () => {
  const first = takeMessageBuffer(100_000);
  giveMessageBuffer(first);
  const second = takeMessageBuffer(90_000);
  assert.equal(second.buffer, first.buffer);
  const third = takeMessageBuffer(90_000);
  assert.notEqual(third.buffer, second.buffer);
});

test('buffers the pool did not allocate are left alone', () => {
  const foreign = Buffer.allocUnsafeSlow(200_000);
  giveMessageBuffer(foreign);
  assert.notEqual(takeMessageBuffer(150_000).buffer, foreign.buffer);
});
