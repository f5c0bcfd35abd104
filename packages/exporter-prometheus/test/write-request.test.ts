import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeWriteRequest, encodeWriteRequest, type WriteRequest } from '../src/write-request.js';

test('a WriteRequest round trips, with negative and large timestamps and UTF-8 labels', () => {
  const request: WriteRequest = {
    timeseries: [
      {
        labels: [
          { name: '__name__', value: 'http_requests_total' },
          { name: 'route', value: '/ünïcode/✓' },
        ],
        samples: [
          { value: 1.5, timestampMillis: -1n },
          { value: -0, timestampMillis: 1_714_564_860_000n },
          { value: Number.POSITIVE_INFINITY, timestampMillis: 9_007_199_254_740_993n },
        ],
      },
      { labels: [{ name: '__name__', value: 'up' }], samples: [] },
    ],
  };
  assert.deepEqual(decodeWriteRequest(encodeWriteRequest(request)), request);
});

test("the stale marker goes out as Prometheus' stale NaN bit pattern", () => {
  const bytes = encodeWriteRequest({ timeseries: [{ labels: [], samples: [{ value: Number.NaN, timestampMillis: 5n, stale: true }] }] });
  const stale = Buffer.from([0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f]);
  assert.ok(Buffer.from(bytes).includes(stale), 'stale NaN bits not found on the wire');
  const decoded = decodeWriteRequest(bytes);
  assert.equal(decoded.timeseries[0].samples[0].stale, true);
  assert.ok(Number.isNaN(decoded.timeseries[0].samples[0].value));
});

test('the exact bytes of a one-label, one-sample request', () => {
  const bytes = encodeWriteRequest({ timeseries: [{ labels: [{ name: 'a', value: 'b' }], samples: [{ value: 1, timestampMillis: 2n }] }] });
  // TimeSeries(1){ Label(1){ name(1) "a", value(2) "b" }, Sample(2){ value(1) double 1.0, timestamp(2) varint 2 } }
  assert.deepEqual([...bytes], [0x0a, 0x15, 0x0a, 0x06, 0x0a, 0x01, 0x61, 0x12, 0x01, 0x62, 0x12, 0x0b, 0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x10, 0x02]);
});

test('unknown fields are skipped; truncated input is refused', () => {
  const known = encodeWriteRequest({ timeseries: [{ labels: [{ name: 'a', value: 'b' }], samples: [] }] });
  // Field 3 (metadata) as an empty message, field 9 as a varint.
  const withExtras = Uint8Array.from([...known, 0x1a, 0x00, 0x48, 0x05]);
  assert.deepEqual(decodeWriteRequest(withExtras), { timeseries: [{ labels: [{ name: 'a', value: 'b' }], samples: [] }] });
  assert.throws(() => decodeWriteRequest(known.subarray(0, known.length - 1)), /runs past the end/);
});
