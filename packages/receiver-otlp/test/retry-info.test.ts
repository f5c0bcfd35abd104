import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RETRY_INFO_TYPE_URL, retryInfoDetail } from '../src/retry-info.js';

describe('retryInfoDetail', () => {
  it('writes google.rpc.RetryInfo bytes as protoc would', () => {
    // Expected bytes worked out by hand from the .proto field numbers.
    const cases: Array<[number, number[]]> = [
      [0, [0x0a, 0x00]],
      [7, [0x0a, 0x02, 0x08, 0x07]],
      [300, [0x0a, 0x03, 0x08, 0xac, 0x02]],
      [0.25, [0x0a, 0x05, 0x10, 0x80, 0xe5, 0x9a, 0x77]],
      [1.9999999999, [0x0a, 0x02, 0x08, 0x02]],
    ];
    for (const [seconds, bytes] of cases) {
      const detail = retryInfoDetail(seconds);
      assert.equal(detail.typeUrl, RETRY_INFO_TYPE_URL);
      assert.deepEqual([...detail.value], bytes, `${seconds} s`);
    }
  });
});
