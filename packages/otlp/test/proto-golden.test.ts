import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeMetricsRequest,
  decodeMetricsResponse,
  decodeRpcStatus,
  encodeMetricsRequest,
  encodeMetricsResponse,
  encodeRpcStatus,
  type RpcStatus,
} from '../src/index.js';
import { fullRequest, metric, numberPoint, requestOf, testdata } from './fixtures.js';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

describe('golden bytes computed by hand', () => {
  // Request { resource_metrics { scope_metrics { metrics { name: "a"
  //   gauge { data_points { time_unix_nano: 1 as_int: -1 } } } } } }
  const point = '19' + '0100000000000000' + '31' + 'ffffffffffffffff'; // fixed64 tag 3<<3|1, sfixed64 tag 6<<3|1
  const gauge = '0a12' + point; // data_points: 18 bytes
  const metricBytes = '0a0161' + '2a14' + gauge; // name "a", gauge (5<<3|2 = 0x2a): 20 bytes
  const golden = '0a1d' + '121b' + '1219' + metricBytes; // 25-byte metric in 27-byte scope in 29-byte resource
  const model = requestOf(metric({ name: 'a', gauge: { dataPoints: [numberPoint({ timeUnixNano: 1n, asInt: -1n })] } }));

  it('encodes a small request to the bytes the wire format rules give', () => {
    assert.equal(hex(encodeMetricsRequest(model)), golden);
  });

  it('decodes those bytes back to the model', () => {
    assert.deepEqual(decodeMetricsRequest(Buffer.from(golden, 'hex')), model);
  });

  it('writes a negative int32 as a ten-byte varint and leaves defaults out', () => {
    const status: RpcStatus = { code: -1, message: '', details: [] };
    assert.equal(hex(encodeRpcStatus(status)), '08' + 'ffffffffffffffffff01');
    assert.deepEqual(decodeRpcStatus(encodeRpcStatus(status)), status);
    assert.equal(hex(encodeRpcStatus({ code: 0, message: '', details: [] })), '');
  });

  it('zigzags sint32 and packs repeated scalars', () => {
    const request = requestOf(
      metric({
        exponentialHistogram: {
          aggregationTemporality: 0,
          dataPoints: [
            {
              attributes: [],
              startTimeUnixNano: 0n,
              timeUnixNano: 0n,
              count: 0n,
              scale: -3,
              zeroCount: 0n,
              positive: { offset: -5, bucketCounts: [1n, 300n] },
              flags: 0,
              exemplars: [],
              zeroThreshold: 0,
            },
          ],
        },
      }),
    );
    const bytes = hex(encodeMetricsRequest(request));
    // scale (6<<3|0 = 0x30) zigzag(-3) = 5; positive (8<<3|2 = 0x42) holding
    // offset (0x08) zigzag(-5) = 9 and packed bucket_counts (0x12) 1, 300 = ac 02:
    // 7 bytes in all.
    assert.ok(bytes.endsWith('3005' + '4207' + '0809' + '1203' + '01ac02'), bytes);
  });

  it('writes a present partial success even when it is empty', () => {
    assert.equal(hex(encodeMetricsResponse({ partialSuccess: { rejectedDataPoints: 0n, errorMessage: '' } })), '0a00');
    assert.equal(hex(encodeMetricsResponse({})), '');
    assert.deepEqual(decodeMetricsResponse(new Uint8Array(0)), {});
  });
});

describe('golden files written by protoc', () => {
  it('decodes the full request to the model', () => {
    assert.deepEqual(decodeMetricsRequest(testdata('full-request.binpb')), fullRequest());
  });

  it('encodes the model to the same bytes as protoc', () => {
    assert.equal(hex(encodeMetricsRequest(fullRequest())), hex(testdata('full-request.binpb')));
  });

  it('round-trips the response', () => {
    const bytes = testdata('response.binpb');
    const response = decodeMetricsResponse(bytes);
    assert.deepEqual(response, { partialSuccess: { rejectedDataPoints: 12n, errorMessage: '12 points carried no api.token' } });
    assert.equal(hex(encodeMetricsResponse(response)), hex(bytes));
  });

  it('round-trips the status with opaque details', () => {
    const bytes = testdata('status.binpb');
    const status = decodeRpcStatus(bytes);
    assert.equal(status.code, 3);
    assert.equal(status.message, 'bad data: 2 points have no time');
    assert.deepEqual(
      status.details.map((d) => d.typeUrl),
      ['type.googleapis.com/google.rpc.BadRequest', 'type.googleapis.com/google.rpc.RetryInfo'],
    );
    assert.equal(hex(status.details[1].value), '0a020805'); // RetryInfo { retry_delay { seconds: 5 } }
    assert.equal(hex(encodeRpcStatus(status)), hex(bytes));
  });
});
