import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { snappyCompress, snappyDecompress, SnappyError } from '../src/snappy.js';

function roundTrip(input: Uint8Array): Uint8Array {
  const compressed = snappyCompress(input);
  assert.deepEqual(Buffer.from(snappyDecompress(compressed)), Buffer.from(input));
  return compressed;
}

test('round trips: empty, tiny, text, random bytes across blocks, long runs', () => {
  assert.deepEqual([...roundTrip(new Uint8Array(0))], [0]);
  roundTrip(Uint8Array.of(7));
  roundTrip(Buffer.from('abc'));
  const text = Buffer.from('http_server_duration_milliseconds_bucket{le="0.005",job="api"} '.repeat(2000));
  const compressedText = roundTrip(text);
  assert.ok(compressedText.length < text.length / 10, `repetitive text only shrank to ${compressedText.length} of ${text.length} bytes`);
  const random = randomBytes(200_000);
  const compressedRandom = roundTrip(random);
  assert.ok(compressedRandom.length <= 32 + random.length + random.length / 6, 'beyond the worst-case bound');
  const zeros = new Uint8Array(300_000);
  assert.ok(roundTrip(zeros).length < 20_000);
  // Random chunks repeated at distances up to 64 KiB: 1- and 2-byte offsets, matches at block edges.
  const chunk = randomBytes(3000);
  const mixed = Buffer.concat([chunk, randomBytes(50), chunk, randomBytes(60_000), chunk, chunk.subarray(0, 5)]);
  roundTrip(mixed);
});

test('decompresses hand-written blocks: a literal, then an overlapping 1-byte-offset copy and a 2-byte-offset copy', () => {
  // 12 bytes; literal "abcd" (tag 3<<2); copy len 8 offset 4 (tag 1 | (8-4)<<2).
  assert.equal(Buffer.from(snappyDecompress(Uint8Array.of(12, 0x0c, 0x61, 0x62, 0x63, 0x64, 0x11, 0x04))).toString(), 'abcdabcdabcd');
  // 6 bytes; literal "xy"; copy len 4 offset 2 with a 2-byte offset (tag 2 | (4-1)<<2).
  assert.equal(Buffer.from(snappyDecompress(Uint8Array.of(6, 0x04, 0x78, 0x79, 0x0e, 0x02, 0x00))).toString(), 'xyxyxy');
});

test('malformed blocks are refused with SnappyError', () => {
  const cases: Array<[Uint8Array, RegExp]> = [
    [Uint8Array.of(), /length prefix is cut short/],
    [Uint8Array.of(5, 0x10, 0x61), /literal runs past the end/],
    [Uint8Array.of(4, 0x11, 0x04), /offset 4 points before the start/],
    [Uint8Array.of(3, 0x08, 0x61, 0x62), /literal runs past the end/],
    [Uint8Array.of(4, 0x04, 0x61, 0x62), /holds 2 bytes, its prefix says 4/],
    [Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01), /cut short or too long/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => snappyDecompress(input), (error: unknown) => error instanceof SnappyError && error.code === 'SNAPPY_MALFORMED' && message.test(error.message));
  }
  assert.throws(() => snappyDecompress(Uint8Array.of(0x80, 0x80, 0x80, 0x40)), /more than the 67108864 allowed/);
});
