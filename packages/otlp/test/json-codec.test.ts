import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  countDataPoints,
  decodeMetricsRequest,
  decodeMetricsRequestJson,
  decodeMetricsResponseJson,
  decodeRpcStatusJson,
  encodeMetricsRequest,
  encodeMetricsRequestJson,
  encodeMetricsResponseJson,
  encodeRpcStatusJson,
  MAX_ANY_VALUE_DEPTH,
  OtlpDecodeError,
} from '../src/index.js';
import { exemplar, fullRequest, histogramPoint, kv, metric, numberPoint, requestOf, testdata } from './fixtures.js';

/** A request whose one gauge point has the given JSON fields. */
function pointJson(fields: Record<string, unknown>): string {
  return JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ gauge: { dataPoints: [fields] } }] }] }] });
}

function decodedPoint(fields: Record<string, unknown>) {
  return decodeMetricsRequestJson(pointJson(fields)).resourceMetrics[0].scopeMetrics[0].metrics[0].gauge?.dataPoints[0];
}

function rejectsJson(body: string | Uint8Array, message: RegExp): void {
  assert.throws(
    () => decodeMetricsRequestJson(body),
    (e: unknown) => e instanceof OtlpDecodeError && e.code === 'OTLP_DECODE_ERROR' && message.test(e.message),
  );
}

const POINT_PATH = 'resourceMetrics\\[0\\]\\.scopeMetrics\\[0\\]\\.metrics\\[0\\]\\.gauge\\.dataPoints\\[0\\]';

describe('OTLP/JSON codec', () => {
  it('decodes the example request published with opentelemetry-proto', () => {
    const request = decodeMetricsRequestJson(readFileSync(new URL('../../../../test/testdata/otlp-example-metrics.json', import.meta.url)));
    assert.equal(countDataPoints(request), 4);
    const rm = request.resourceMetrics[0];
    assert.deepEqual(rm.resource?.attributes, [kv('service.name', { stringValue: 'my.service' })]);
    const sm = rm.scopeMetrics[0];
    assert.deepEqual(sm.scope, { name: 'my.library', version: '1.0.0', attributes: [kv('my.scope.attribute', { stringValue: 'some scope attribute' })], droppedAttributesCount: 0 });
    assert.deepEqual(sm.metrics.map((m) => m.name), ['my.counter', 'my.gauge', 'my.histogram', 'my.exponential.histogram']);
    const [counter, gauge, histogram, exponential] = sm.metrics;
    assert.deepEqual(counter.sum, {
      aggregationTemporality: 1,
      isMonotonic: true,
      dataPoints: [
        numberPoint({
          asDouble: 5,
          startTimeUnixNano: 1544712660300000000n,
          timeUnixNano: 1544712660300000000n,
          attributes: [kv('my.counter.attr', { stringValue: 'some value' })],
        }),
      ],
    });
    assert.equal(gauge.gauge?.dataPoints[0].asDouble, 10);
    assert.deepEqual(histogram.histogram?.dataPoints[0], histogramPoint({
      attributes: [kv('my.histogram.attr', { stringValue: 'some value' })],
      startTimeUnixNano: 1544712660300000000n,
      timeUnixNano: 1544712660300000000n,
      count: 2n,
      sum: 2,
      bucketCounts: [1n, 1n],
      explicitBounds: [1],
      min: 0,
      max: 2,
    }));
    const e = exponential.exponentialHistogram?.dataPoints[0];
    assert.deepEqual([e?.count, e?.zeroCount, e?.scale, e?.positive, e?.negative], [3n, 1n, 0, { offset: 1, bucketCounts: [0n, 2n] }, undefined]);
    // The same content through protobuf and back.
    assert.deepEqual(decodeMetricsRequest(encodeMetricsRequest(request)), request);
  });

  it('round-trips the full request, and agrees with the protobuf codec', () => {
    const json = encodeMetricsRequestJson(fullRequest());
    assert.deepEqual(decodeMetricsRequestJson(json), fullRequest());
    assert.deepEqual(decodeMetricsRequestJson(new TextEncoder().encode(json)), fullRequest());
    // JSON → model → protobuf → model, and protoc's bytes → model → JSON → model.
    assert.deepEqual(decodeMetricsRequest(encodeMetricsRequest(decodeMetricsRequestJson(json))), fullRequest());
    assert.deepEqual(decodeMetricsRequestJson(encodeMetricsRequestJson(decodeMetricsRequest(testdata('full-request.binpb')))), fullRequest());
  });

  it('writes OTLP/JSON: int64 as strings, ids as hex, bytes as base64, defaults left out', () => {
    const request = requestOf(
      metric({
        name: 'm',
        sum: {
          aggregationTemporality: 2,
          isMonotonic: false,
          dataPoints: [
            numberPoint({
              timeUnixNano: 1544712660300000000n,
              asInt: -3n,
              attributes: [kv('b', { bytesValue: new Uint8Array([0xfb, 0xff]) })],
              exemplars: [exemplar({ asDouble: NaN, spanId: new Uint8Array([0xab, 0xcd]), traceId: new Uint8Array([0x0f]) })],
            }),
          ],
        },
      }),
    );
    assert.equal(
      encodeMetricsRequestJson(request),
      '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","sum":{"dataPoints":[{"attributes":[{"key":"b","value":{"bytesValue":"+/8="}}],' +
        '"timeUnixNano":"1544712660300000000","asInt":"-3","exemplars":[{"asDouble":"NaN","spanId":"abcd","traceId":"0f"}]}],"aggregationTemporality":2}}]}]}]}',
    );
    assert.deepEqual(decodeMetricsRequestJson(encodeMetricsRequestJson(request)), request);
  });

  it('keeps special doubles and negative zero', () => {
    for (const asDouble of [NaN, Infinity, -Infinity, -0, 5e-324, -1.7976931348623157e308]) {
      const request = requestOf(metric({ gauge: { dataPoints: [numberPoint({ asDouble })] } }));
      assert.deepEqual(decodeMetricsRequestJson(encodeMetricsRequestJson(request)), request, String(asDouble));
    }
  });

  it('accepts 64-bit integers as strings or numbers, and doubles as numbers or strings', () => {
    assert.deepEqual(decodedPoint({ timeUnixNano: '18446744073709551615', startTimeUnixNano: 12, asInt: '-9223372036854775808' }), numberPoint({
      timeUnixNano: 2n ** 64n - 1n,
      startTimeUnixNano: 12n,
      asInt: -(2n ** 63n),
    }));
    assert.equal(decodedPoint({ asInt: 9007199254740993 })?.asInt, 9007199254740992n); // JSON.parse rounds it first
    assert.equal(decodedPoint({ asDouble: '1.5e3' })?.asDouble, 1500);
    assert.ok(Number.isNaN(decodedPoint({ asDouble: 'NaN' })?.asDouble));
    assert.equal(decodedPoint({ asDouble: '-Infinity' })?.asDouble, -Infinity);
    assert.equal(decodedPoint({ flags: '1' })?.flags, 1);
  });

  it('refuses bad integers with a message naming the field and never quoting the value', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ timeUnixNano: 'tok_abc' }, 'timeUnixNano', /expected an unsigned 64-bit integer as a decimal string, got a string that is not one/],
      [{ timeUnixNano: '-1' }, 'timeUnixNano', /not one|out of range/],
      [{ timeUnixNano: '18446744073709551616' }, 'timeUnixNano', /out of range/],
      [{ timeUnixNano: 1.5 }, 'timeUnixNano', /got a number with a fraction/],
      [{ timeUnixNano: -1 }, 'timeUnixNano', /out of range/],
      [{ timeUnixNano: true }, 'timeUnixNano', /got a boolean/],
      [{ asInt: '9223372036854775808' }, 'asInt', /signed 64-bit integer out of range/],
      [{ asInt: '1e3' }, 'asInt', /decimal string/],
      [{ asInt: '' }, 'asInt', /decimal string/],
      [{ asInt: '1'.padStart(41, '0') }, 'asInt', /decimal string/],
      [{ flags: 2 ** 32 }, 'flags', /unsigned 32-bit integer out of range/],
      [{ flags: 'x' }, 'flags', /unsigned 32-bit integer/],
      [{ asDouble: 'tok_abc' }, 'asDouble', /expected a number, "NaN", "Infinity" or "-Infinity", got another string/],
      [{ asDouble: {} }, 'asDouble', /expected a number, got an object/],
      [{ asDouble: 1, asInt: '1' }, 'asInt', /both asDouble and asInt are set/],
      [{ attributes: {} }, 'attributes', /expected an array, got an object/],
      [{ attributes: [null] }, 'attributes\\[0\\]', /expected an object, got null/],
      [{ attributes: [{ key: 1 }] }, 'attributes\\[0\\]\\.key', /expected a string, got a number/],
      [{ attributes: [{ key: 'k', value: { intValue: 'tok_abc' } }] }, 'attributes\\[0\\]\\.value\\.intValue', /decimal string/],
      [{ attributes: [{ key: 'k', value: { boolValue: 'true' } }] }, 'attributes\\[0\\]\\.value\\.boolValue', /expected true or false/],
      [{ attributes: [{ key: 'k', value: { bytesValue: 'a*b=' } }] }, 'attributes\\[0\\]\\.value\\.bytesValue', /expected base64/],
      [{ attributes: [{ key: 'k', value: { arrayValue: { values: [{ intValue: 1.5 }] } } }] }, 'attributes\\[0\\]\\.value\\.arrayValue\\.values\\[0\\]\\.intValue', /fraction/],
      [{ exemplars: [{ traceId: 'xyz0' }] }, 'exemplars\\[0\\]\\.traceId', /expected an even number of hex digits/],
      [{ exemplars: [{ spanId: 'abc' }] }, 'exemplars\\[0\\]\\.spanId', /hex digits/],
    ];
    for (const [fields, path, problem] of cases) {
      assert.throws(
        () => decodeMetricsRequestJson(pointJson(fields)),
        (e: unknown) => {
          assert.ok(e instanceof OtlpDecodeError, String(e));
          assert.match(e.message, new RegExp(`^invalid ExportMetricsServiceRequest at ${POINT_PATH}\\.${path}: `));
          assert.match(e.message, problem);
          assert.doesNotMatch(e.message, /tok_abc/);
          return true;
        },
        JSON.stringify(fields),
      );
    }
  });

  it('refuses wrong types in containers, enum names and two data members', () => {
    rejectsJson('{"resourceMetrics":{}}', /^invalid ExportMetricsServiceRequest at resourceMetrics: expected an array, got an object$/);
    rejectsJson('{"resourceMetrics":[{"resource":[]}]}', /at resourceMetrics\[0\]\.resource: expected an object, got an array/);
    rejectsJson('{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"aggregationTemporality":"AGGREGATION_TEMPORALITY_DELTA"}}]}]}]}', /metrics\[0\]\.sum\.aggregationTemporality: expected an integer enum value/);
    rejectsJson('{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{},"sum":{}}]}]}]}', /metrics\[0\]\.sum: metric has both gauge and sum/);
    rejectsJson('{"resourceMetrics":[{"scopeMetrics":[{"scope":{"name":5}}]}]}', /scopeMetrics\[0\]\.scope\.name: expected a string, got a number/);
    rejectsJson('{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"bucketCounts":["1","x"]}]}}]}]}]}', /dataPoints\[0\]\.bucketCounts\[1\]: expected an unsigned 64-bit integer/);
    rejectsJson('{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"explicitBounds":[1,null]}]}}]}]}]}', /explicitBounds\[1\]: expected a value, got null/);
    rejectsJson('{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"exponentialHistogram":{"dataPoints":[{"scale":2147483648}]}}]}]}]}', /scale: a 32-bit integer out of range/);
  });

  it('refuses bodies that are not JSON objects, or not UTF-8', () => {
    rejectsJson('', /^invalid ExportMetricsServiceRequest: not valid JSON/);
    rejectsJson('{"tok_abc"', /^invalid ExportMetricsServiceRequest: not valid JSON( \(at character \d+\))?$/);
    rejectsJson('[]', /expected a JSON object at the top level/);
    rejectsJson('null', /expected a JSON object at the top level/);
    rejectsJson(new Uint8Array([0x7b, 0xff, 0x7d]), /the body is not valid UTF-8/);
  });

  it('treats null as absent and ignores unknown fields, snake_case names included', () => {
    const request = decodeMetricsRequestJson(
      '{"resourceMetrics":[{"resource":null,"scopeMetrics":[{"scope":null,"metrics":[{"name":"m","description":null,"metadata":null,' +
        '"gauge":{"dataPoints":[{"time_unix_nano":"5","timeUnixNano":"6","asDouble":null,"asInt":"2","extra":{"deep":[1]}}]},"sum":null}]}],"schema_url":"x"}],"unknown":1}',
    );
    assert.deepEqual(request, requestOf(metric({ name: 'm', gauge: { dataPoints: [numberPoint({ timeUnixNano: 6n, asInt: 2n })] } })));
    assert.deepEqual(decodeMetricsRequestJson('{}'), { resourceMetrics: [] });
    // A UTF-8 byte order mark before a byte body is dropped, as JSON allows.
    assert.deepEqual(decodeMetricsRequestJson(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d])), { resourceMetrics: [] });
  });

  it('bounds the nesting of attribute values', () => {
    const nested = (levels: number) => {
      let value: unknown = { stringValue: 'leaf' };
      for (let i = 0; i < levels; i++) value = i % 2 === 0 ? { arrayValue: { values: [value] } } : { kvlistValue: { values: [{ key: 'k', value }] } };
      return { attributes: [{ key: 'deep', value }] };
    };
    assert.equal(decodedPoint(nested(MAX_ANY_VALUE_DEPTH))?.attributes[0].key, 'deep');
    assert.throws(() => decodeMetricsRequestJson(pointJson(nested(MAX_ANY_VALUE_DEPTH + 1))), /AnyValue nested deeper than 32 levels/);
  });

  it('reads ids as case-insensitive hex and bytes as either base64 alphabet', () => {
    const point = decodedPoint({
      exemplars: [{ spanId: 'ABCDEF0123456789', traceId: '' }],
      attributes: [
        { key: 'a', value: { bytesValue: '-_8' } },
        { key: 'b', value: { bytesValue: '+/8=' } },
      ],
    });
    assert.deepEqual(point?.exemplars[0].spanId, new Uint8Array([0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89]));
    assert.deepEqual(point?.exemplars[0].traceId, new Uint8Array(0));
    assert.deepEqual(point?.attributes.map((a) => a.value.bytesValue), [new Uint8Array([0xfb, 0xff]), new Uint8Array([0xfb, 0xff])]);
  });

  it('round-trips responses and statuses', () => {
    for (const response of [{}, { partialSuccess: { rejectedDataPoints: 3n, errorMessage: 'no token' } }, { partialSuccess: { rejectedDataPoints: 0n, errorMessage: '' } }]) {
      assert.deepEqual(decodeMetricsResponseJson(encodeMetricsResponseJson(response)), response);
    }
    assert.equal(encodeMetricsResponseJson({ partialSuccess: { rejectedDataPoints: 3n, errorMessage: 'x' } }), '{"partialSuccess":{"rejectedDataPoints":"3","errorMessage":"x"}}');
    assert.deepEqual(decodeMetricsResponseJson('{"partialSuccess":{"rejectedDataPoints":4}}'), { partialSuccess: { rejectedDataPoints: 4n, errorMessage: '' } });
    const status = { code: 8, message: 'slow down', details: [{ typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value: new Uint8Array([10, 2, 8, 5]) }] };
    assert.equal(encodeRpcStatusJson(status), '{"code":8,"message":"slow down","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","value":"CgIIBQ=="}]}');
    assert.deepEqual(decodeRpcStatusJson(encodeRpcStatusJson(status)), status);
    // A detail in proto3's field form keeps its type; its fields are not ours to read.
    assert.deepEqual(decodeRpcStatusJson('{"message":"m","details":[{"@type":"t/x.BadRequest","fieldViolations":[]}]}'), {
      code: 0,
      message: 'm',
      details: [{ typeUrl: 't/x.BadRequest', value: new Uint8Array(0) }],
    });
    assert.throws(() => decodeRpcStatusJson('{"code":"x"}'), /^OtlpDecodeError: invalid Status at code: expected a 32-bit integer/);
    assert.throws(() => decodeMetricsResponseJson('{"partialSuccess":1}'), /invalid ExportMetricsServiceResponse at partialSuccess: expected an object, got a number/);
  });
});
