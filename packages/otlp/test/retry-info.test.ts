import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  OtlpDecodeError,
  RETRY_INFO_TYPE_URL,
  decodeRetryInfo,
  decodeRpcStatus,
  durationFromSeconds,
  encodeRetryInfo,
  encodeRpcStatus,
  retryInfoDetail,
} from '../src/index.js';

describe('google.rpc.RetryInfo', () => {
  it('writes RetryInfo bytes as protoc would', () => {
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

  it('reads back what it writes, inside a google.rpc.Status', () => {
    const delays = [
      { seconds: 0, nanos: 0 },
      { seconds: 2, nanos: 500_000_000 },
      { seconds: 0, nanos: 1 },
      { seconds: 86_400 * 365, nanos: 999_999_999 },
      { seconds: 2 ** 40, nanos: 0 },
    ];
    for (const retryDelay of delays) {
      const status = encodeRpcStatus({ code: 14, message: 'busy', details: [{ typeUrl: RETRY_INFO_TYPE_URL, value: encodeRetryInfo({ retryDelay }) }] });
      const [detail] = decodeRpcStatus(status).details;
      assert.equal(detail.typeUrl, RETRY_INFO_TYPE_URL);
      assert.deepEqual(decodeRetryInfo(detail.value), { retryDelay }, JSON.stringify(retryDelay));
    }
    assert.deepEqual(decodeRetryInfo(encodeRetryInfo({ retryDelay: undefined })), { retryDelay: undefined });
  });

  it('round-trips a delay in seconds to the nanosecond', () => {
    for (const seconds of [0, 1, 0.25, 2.5, 59.999_999_999, 3600]) {
      const delay = decodeRetryInfo(retryInfoDetail(seconds).value).retryDelay;
      assert.deepEqual(delay, durationFromSeconds(seconds));
      assert.ok(delay !== undefined && Math.abs(delay.seconds + delay.nanos / 1e9 - seconds) <= 0.5e-9, `${seconds} s`);
    }
  });

  it('skips unknown fields, keeps the last delay and refuses malformed bytes', () => {
    // field 2 (varint 5), then retry_delay{seconds: 1}, then retry_delay{nanos: 7}
    const bytes = Uint8Array.from([0x10, 0x05, 0x0a, 0x02, 0x08, 0x01, 0x0a, 0x02, 0x10, 0x07]);
    assert.deepEqual(decodeRetryInfo(bytes), { retryDelay: { seconds: 0, nanos: 7 } });
    assert.throws(() => decodeRetryInfo(Uint8Array.from([0x0a, 0x05, 0x08])), OtlpDecodeError);
    assert.throws(() => decodeRetryInfo(Uint8Array.from([0x08, 0x01])), OtlpDecodeError);
  });
});
