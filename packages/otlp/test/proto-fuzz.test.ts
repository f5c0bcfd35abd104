import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeMetricsRequest,
  decodeMetricsRequestJson,
  decodeMetricsResponse,
  decodeRpcStatus,
  encodeMetricsRequest,
  encodeMetricsRequestJson,
  encodeMetricsResponse,
  encodeRpcStatus,
  OtlpDecodeError,
} from '../src/index.js';
import { fullRequest, testdata } from './fixtures.js';
import { SeededBytes } from './seeded-bytes.js';
import { bytes, double, fixed64, len, nest, PATH, str, tag, uvarint, varint, type Bytes } from './wire.js';

/**
 * Runs `decode` on `input`: it must either return or throw OtlpDecodeError.
 * Whatever it returns must survive encode and decode unchanged.
 */
function decodesOrRefuses(input: Uint8Array, label: string): boolean {
  let request;
  try {
    request = decodeMetricsRequest(input);
  } catch (e) {
    if (e instanceof OtlpDecodeError) return false;
    throw new Error(`${label}: ${String(e)}`, { cause: e });
  }
  assert.deepEqual(decodeMetricsRequest(encodeMetricsRequest(request)), request, label);
  return true;
}

const valid = testdata('full-request.binpb');

describe('protobuf decoder under hostile input', () => {
  it('random bytes: OtlpDecodeError or a request that re-encodes, never anything else', () => {
    const random = new SeededBytes('otlp-fuzz-random');
    let accepted = 0;
    for (let i = 0; i < 2000; i++) {
      const input = random.bytes(random.below(200));
      if (decodesOrRefuses(input, `random case ${i}`)) accepted++;
      for (const decode of [decodeMetricsResponse, decodeRpcStatus]) {
        try {
          decode(input);
        } catch (e) {
          assert.ok(e instanceof OtlpDecodeError, `random case ${i}: ${String(e)}`);
        }
      }
    }
    // Some random inputs are valid protobuf (unknown fields only): both paths ran.
    assert.ok(accepted > 0 && accepted < 2000, `${accepted} accepted`);
  });

  it('every truncation of a valid message is refused, except at a top-level field boundary', () => {
    // The request and the response hold one top-level field: no cut is valid.
    for (let n = 1; n < valid.length; n++) {
      assert.throws(() => decodeMetricsRequest(valid.subarray(0, n)), OtlpDecodeError, `truncated to ${n} bytes`);
    }
    const response = testdata('response.binpb');
    for (let n = 1; n < response.length; n++) {
      assert.throws(() => decodeMetricsResponse(response.subarray(0, n)), OtlpDecodeError, `response truncated to ${n}`);
    }
    // The status has four: code (2 bytes), message (33), two details (76, 50).
    const status = testdata('status.binpb');
    const full = decodeRpcStatus(status);
    const boundaries = new Map([
      [2, { code: 3, message: '', details: [] }],
      [35, { code: 3, message: full.message, details: [] }],
      [111, { code: 3, message: full.message, details: [full.details[0]] }],
    ]);
    for (let n = 1; n < status.length; n++) {
      const prefix = boundaries.get(n);
      if (prefix === undefined) assert.throws(() => decodeRpcStatus(status.subarray(0, n)), OtlpDecodeError, `status truncated to ${n}`);
      else assert.deepEqual(decodeRpcStatus(status.subarray(0, n)), prefix);
    }
  });

  it('bit flips and byte overwrites in a valid request', () => {
    const random = new SeededBytes('otlp-fuzz-flips');
    for (let i = 0; i < 2000; i++) {
      decodesOrRefuses(random.changed(valid), `flip case ${i}`);
    }
  });

  it('a wrong wire type for each known field is refused', () => {
    // [message path, field number, wire types the schema allows]
    const fields: [readonly number[], number, number[]][] = [
      [PATH.resourceMetrics, 1, [2]], [PATH.resourceMetrics, 2, [2]], [PATH.resourceMetrics, 3, [2]],
      [PATH.resource, 1, [2]], [PATH.resource, 2, [0]],
      [PATH.scope, 1, [2]], [PATH.scope, 2, [2]], [PATH.scope, 3, [2]], [PATH.scope, 4, [0]],
      [PATH.metric, 1, [2]], [PATH.metric, 2, [2]], [PATH.metric, 3, [2]], [PATH.metric, 5, [2]], [PATH.metric, 7, [2]],
      [PATH.metric, 9, [2]], [PATH.metric, 10, [2]], [PATH.metric, 11, [2]], [PATH.metric, 12, [2]],
      [PATH.sum, 1, [2]], [PATH.sum, 2, [0]], [PATH.sum, 3, [0]], [PATH.histogram, 2, [0]], [PATH.exponentialHistogram, 2, [0]],
      [PATH.numberPoint, 2, [1]], [PATH.numberPoint, 3, [1]], [PATH.numberPoint, 4, [1]], [PATH.numberPoint, 5, [2]],
      [PATH.numberPoint, 6, [1]], [PATH.numberPoint, 7, [2]], [PATH.numberPoint, 8, [0]],
      [PATH.histogramPoint, 4, [1]], [PATH.histogramPoint, 5, [1]], [PATH.histogramPoint, 6, [1, 2]], [PATH.histogramPoint, 7, [1, 2]],
      [PATH.histogramPoint, 9, [2]], [PATH.histogramPoint, 10, [0]], [PATH.histogramPoint, 11, [1]], [PATH.histogramPoint, 12, [1]],
      [PATH.exponentialPoint, 1, [2]], [PATH.exponentialPoint, 6, [0]], [PATH.exponentialPoint, 7, [1]], [PATH.exponentialPoint, 8, [2]],
      [PATH.exponentialPoint, 11, [2]], [PATH.exponentialPoint, 14, [1]], [PATH.buckets, 1, [0]], [PATH.buckets, 2, [0, 2]],
      [PATH.summaryPoint, 5, [1]], [PATH.summaryPoint, 6, [2]], [PATH.quantile, 1, [1]], [PATH.quantile, 2, [1]],
      [PATH.exemplar, 2, [1]], [PATH.exemplar, 3, [1]], [PATH.exemplar, 4, [2]], [PATH.exemplar, 5, [2]], [PATH.exemplar, 6, [1]], [PATH.exemplar, 7, [2]],
      [PATH.keyValue, 1, [2]], [PATH.keyValue, 2, [2]],
      [PATH.anyValue, 1, [2]], [PATH.anyValue, 2, [0]], [PATH.anyValue, 3, [0]], [PATH.anyValue, 4, [1]], [PATH.anyValue, 5, [2]],
      [PATH.anyValue, 6, [2]], [PATH.anyValue, 7, [2]],
    ];
    // A well-formed payload for each wire type, so only the type is wrong.
    const payload: Record<number, (field: number) => Bytes> = {
      0: (f) => uvarint(f, 1),
      1: (f) => fixed64(f, 1n),
      2: (f) => len(f, []),
      5: (f) => [...tag(f, 5), 0, 0, 0, 0],
    };
    let cases = 0;
    for (const [path, field, allowed] of fields) {
      for (const wire of [0, 1, 2, 5]) {
        if (allowed.includes(wire)) continue;
        cases++;
        assert.throws(
          () => decodeMetricsRequest(bytes(nest(path, payload[wire](field)))),
          (e: unknown) => e instanceof OtlpDecodeError && e.message.startsWith(`wire type ${wire} where ${allowed[0]} is expected`),
          `field ${field} of message at ${path.join('.')} with wire type ${wire}`,
        );
      }
    }
    assert.ok(cases > 150, `${cases} cases`);
  });

  it('huge declared lengths are refused before anything is allocated', () => {
    const lengths = [2n ** 31n - 1n, 2n ** 32n, 2n ** 53n, 2n ** 64n - 1n];
    for (const path of Object.values(PATH)) {
      for (const n of lengths) {
        // Field 15 is unknown in every message: the length is checked before skipping.
        const inner = [...tag(15, 2), ...varint(n), 1, 2, 3];
        assert.throws(() => decodeMetricsRequest(bytes(nest(path, inner))), /exceeds the \d+ bytes left/, `${path.join('.')} length ${n}`);
      }
    }
    const packed = [...tag(6, 2), ...varint(2n ** 40n)];
    assert.throws(() => decodeMetricsRequest(bytes(nest(PATH.histogramPoint, packed))), OtlpDecodeError);
    const manyStrings = Array.from({ length: 500 }, () => str(1, 'x'.repeat(10))).flat();
    assert.doesNotThrow(() => decodeMetricsRequest(bytes(nest(PATH.metric, manyStrings))));
    assert.throws(() => decodeMetricsRequest(bytes(nest(PATH.numberPoint, double(4, 1)).slice(0, -1))), OtlpDecodeError);
  });

  it('JSON: every truncation and random edits give OtlpDecodeError or a request', () => {
    const text = encodeMetricsRequestJson(fullRequest());
    for (let n = 0; n < text.length; n++) assert.throws(() => decodeMetricsRequestJson(text.slice(0, n)), OtlpDecodeError, `JSON cut at ${n}`);
    const random = new SeededBytes('otlp-fuzz-json');
    const utf8 = new TextEncoder().encode(text);
    for (let i = 0; i < 1000; i++) {
      const input = utf8.slice();
      input[random.below(input.length)] = random.byte();
      try {
        decodeMetricsRequestJson(input);
      } catch (e) {
        assert.ok(e instanceof OtlpDecodeError, `JSON edit case ${i}: ${String(e)}`);
      }
    }
  });

  it('encoders accept what the decoders produce for responses and statuses', () => {
    const random = new SeededBytes('otlp-fuzz-small');
    for (let i = 0; i < 500; i++) {
      const input = random.bytes(random.below(40));
      try {
        const response = decodeMetricsResponse(input);
        assert.deepEqual(decodeMetricsResponse(encodeMetricsResponse(response)), response);
      } catch (e) {
        assert.ok(e instanceof OtlpDecodeError);
      }
      try {
        const status = decodeRpcStatus(input);
        assert.deepEqual(decodeRpcStatus(encodeRpcStatus(status)), status);
      } catch (e) {
        assert.ok(e instanceof OtlpDecodeError);
      }
    }
  });
});
