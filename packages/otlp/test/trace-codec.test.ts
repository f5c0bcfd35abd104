import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeTraceRequest,
  decodeTraceRequestJson,
  decodeTraceResponse,
  decodeTraceResponseJson,
  encodeTraceResponse,
  encodeTraceResponseJson,
  OtlpDecodeError,
  SpanKind,
  StatusCode,
  type ExportTraceServiceRequest,
  type Span,
} from '../src/index.js';
import { testdata } from './fixtures.js';
import { bytes, fixed64, len, str, tag, uvarint, type Bytes } from './wire.js';

const TRACE_ID = Array.from({ length: 16 }, (_, i) => i + 1);
const SPAN_ID = Array.from({ length: 8 }, (_, i) => 0xa0 + i);
const SECRET = 'tok-s3cr3t-value';

function hex(b: Bytes | Uint8Array): string {
  return Buffer.from(b instanceof Uint8Array ? b : Uint8Array.from(b)).toString('hex');
}

function keyValue(key: string, value: string): Bytes {
  return [...str(1, key), ...len(2, str(1, value))];
}

/** A span with every field span metrics read. */
function spanFields(): Bytes {
  return [
    ...len(1, TRACE_ID),
    ...len(2, SPAN_ID),
    ...str(5, 'GET /users'),
    ...uvarint(6, SpanKind.SERVER),
    ...fixed64(7, 1_000_000_000n),
    ...fixed64(8, 1_250_000_000n),
    ...len(9, keyValue('api.token', SECRET)),
    ...len(9, keyValue('http.route', '/users')),
    ...len(15, uvarint(3, StatusCode.ERROR)),
  ];
}

function requestBytes(span: Bytes, resource: Bytes = len(1, keyValue('service.name', 'api'))): Uint8Array {
  const scope = [...len(1, str(1, 'lib')), ...len(2, span)];
  return bytes(len(1, [...len(1, resource), ...len(2, scope)]));
}

const expectedSpan: Span = {
  traceId: Uint8Array.from(TRACE_ID),
  spanId: Uint8Array.from(SPAN_ID),
  name: 'GET /users',
  kind: SpanKind.SERVER,
  startTimeUnixNano: 1_000_000_000n,
  endTimeUnixNano: 1_250_000_000n,
  attributes: [
    { key: 'api.token', value: { stringValue: SECRET } },
    { key: 'http.route', value: { stringValue: '/users' } },
  ],
  statusCode: StatusCode.ERROR,
};

const expectedRequest: ExportTraceServiceRequest = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }], droppedAttributesCount: 0 },
      scopeSpans: [{ scope: { name: 'lib', version: '', attributes: [], droppedAttributesCount: 0 }, spans: [expectedSpan] }],
    },
  ],
};

/** Asserts an OtlpDecodeError matching `message` that quotes nothing of the input. */
function rejects(decode: () => unknown, message: RegExp): void {
  assert.throws(decode, (e: unknown) => {
    assert.ok(e instanceof OtlpDecodeError, `expected OtlpDecodeError, got ${String(e)}`);
    assert.match(e.message, message);
    assert.ok(!e.message.includes(SECRET) && !e.message.includes('zz'), `message quotes the input: ${e.message}`);
    return true;
  });
}

describe('protobuf ExportTraceServiceRequest', () => {
  it('decodes the fields span metrics read, from bytes laid out by the wire rules', () => {
    assert.deepEqual(decodeTraceRequest(requestBytes(spanFields())), expectedRequest);
  });

  it('decodes the golden request written by an independent encoder from proto/', () => {
    const kv = (key: string, stringValue: string) => ({ key, value: { stringValue } });
    const decoded = decodeTraceRequest(testdata('trace-request.binpb'));
    assert.deepEqual(decoded, {
      resourceSpans: [
        {
          resource: { attributes: [kv('service.name', 'checkout'), kv('host.name', 'node-7')], droppedAttributesCount: 1 },
          scopeSpans: [
            {
              scope: { name: '@opentelemetry/instrumentation-http', version: '0.223.0', attributes: [kv('api.token', 'tok-scope')], droppedAttributesCount: 0 },
              spans: [
                {
                  traceId: new Uint8Array(Buffer.from('5b8efff798038103d269b633813fc60c', 'hex')),
                  spanId: new Uint8Array(Buffer.from('eee19b7ec3c1b174', 'hex')),
                  name: 'GET /cart/:id',
                  kind: SpanKind.SERVER,
                  startTimeUnixNano: 1544712660000000000n,
                  endTimeUnixNano: 1544712660012500000n,
                  attributes: [kv('api.token', 'tok-1'), kv('http.route', '/cart/:id'), { key: 'http.status_code', value: { intValue: 500n } }],
                  statusCode: StatusCode.ERROR,
                },
                {
                  traceId: new Uint8Array(0),
                  spanId: new Uint8Array(0),
                  name: 'SELECT cart',
                  kind: SpanKind.CLIENT,
                  startTimeUnixNano: 1544712660001000000n,
                  endTimeUnixNano: 1544712660003000000n,
                  attributes: [],
                  statusCode: StatusCode.UNSET,
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('skips every other span field, whatever its wire type, and gives the same result', () => {
    const event = [...fixed64(1, 5n), ...str(2, 'exception'), ...len(3, keyValue('exception.message', SECRET)), ...uvarint(4, 1)];
    const link = [...len(1, TRACE_ID), ...len(2, SPAN_ID), ...str(3, 'ot=th:8'), ...len(4, keyValue('k', 'v')), ...uvarint(5, 0), ...tag(6, 5), 1, 0, 0, 0];
    const before = [
      ...str(3, 'ot=th:c'), // trace_state with a sampling threshold: read by nobody
      ...len(4, SPAN_ID), // parent_span_id
      ...tag(16, 5), 0x01, 0x03, 0, 0, // flags, fixed32
    ];
    const after = [
      ...uvarint(10, 2),
      ...len(11, event),
      ...len(11, event),
      ...uvarint(12, 7),
      ...len(13, link),
      ...uvarint(14, 1),
      ...uvarint(99, 12345), // a field from a future schema
      ...tag(98, 3), ...uvarint(1, 1), ...tag(98, 4), // an unknown group
    ];
    const fields = spanFields();
    const withStatusMessage = [...fields.slice(0, -4), ...len(15, [...str(2, 'boom'), ...uvarint(3, StatusCode.ERROR)])];
    assert.deepEqual(decodeTraceRequest(requestBytes([...before, ...withStatusMessage, ...after])), expectedRequest);
  });

  it('reads the last of repeated singular fields and keeps defaults for absent ones', () => {
    const decoded = decodeTraceRequest(requestBytes([...str(5, 'a'), ...str(5, 'b'), ...len(15, [])], []));
    const span = decoded.resourceSpans[0].scopeSpans[0].spans[0];
    assert.equal(span.name, 'b');
    assert.equal(span.statusCode, StatusCode.UNSET);
    assert.equal(span.kind, SpanKind.UNSPECIFIED);
    assert.equal(span.traceId.length, 0);
    assert.equal(span.startTimeUnixNano, 0n);
  });

  it('refuses ids of the wrong length, naming the field and not the bytes', () => {
    rejects(() => decodeTraceRequest(requestBytes(len(1, TRACE_ID.slice(1)))), /^id of 15 bytes where 16 are expected at byte \d+ in Span\.trace_id$/);
    rejects(() => decodeTraceRequest(requestBytes(len(2, [...SPAN_ID, 0]))), /^id of 9 bytes where 8 are expected at byte \d+ in Span\.span_id$/);
  });

  it('refuses wrong wire types for known span fields', () => {
    rejects(() => decodeTraceRequest(requestBytes(uvarint(7, 1))), /wire type 0 where 1 is expected .* in Span\.start_time_unix_nano/);
    rejects(() => decodeTraceRequest(requestBytes(str(6, 'x'))), /wire type 2 where 0 is expected .* in Span\.kind/);
    rejects(() => decodeTraceRequest(requestBytes(uvarint(15, 2))), /wire type 0 where 2 is expected .* in Span\.status/);
    rejects(() => decodeTraceRequest(requestBytes(len(15, str(3, 'x')))), /wire type 2 where 0 is expected .* in Status\.code/);
    rejects(() => decodeTraceRequest(bytes(uvarint(1, 1))), /^wire type 0 where 2 is expected at byte 1 in ExportTraceServiceRequest\.resource_spans$/);
  });

  it('every truncation of a valid request fails with an OtlpDecodeError or decodes as a shorter request', () => {
    const full = requestBytes(spanFields());
    let refused = 0;
    for (let n = 0; n < full.length; n++) {
      try {
        decodeTraceRequest(full.subarray(0, n));
      } catch (e) {
        assert.ok(e instanceof OtlpDecodeError, `prefix ${n}: ${String(e)}`);
        assert.ok(!e.message.includes(SECRET));
        refused++;
      }
    }
    // Only the empty prefix is a whole message: every other cut is inside the one resource_spans field.
    assert.equal(refused, full.length - 1);
  });

  it('refuses invalid UTF-8 in a span name', () => {
    rejects(() => decodeTraceRequest(requestBytes(len(5, [0xc3, 0x28]))), /^invalid UTF-8 in string at byte \d+ in Span\.name$/);
  });
});

describe('OTLP/JSON ExportTraceServiceRequest', () => {
  it('reads the example request published with opentelemetry-proto', () => {
    const decoded = decodeTraceRequestJson(testdata('otlp-example-trace.json'));
    const span = decoded.resourceSpans[0].scopeSpans[0].spans[0];
    assert.equal(hex(span.traceId), '5b8efff798038103d269b633813fc60c');
    assert.equal(hex(span.spanId), 'eee19b7ec3c1b174');
    assert.equal(span.name, "I'm a server span");
    assert.equal(span.kind, SpanKind.SERVER);
    assert.equal(span.endTimeUnixNano - span.startTimeUnixNano, 1_000_000_000n);
    assert.deepEqual(span.attributes, [{ key: 'my.span.attr', value: { stringValue: 'some value' } }]);
    assert.equal(span.statusCode, StatusCode.UNSET);
    assert.deepEqual(decoded.resourceSpans[0].resource?.attributes, [{ key: 'service.name', value: { stringValue: 'my.service' } }]);
  });

  const jsonSpan = {
    traceId: hex(TRACE_ID),
    spanId: hex(SPAN_ID),
    name: 'GET /users',
    kind: 2,
    startTimeUnixNano: '1000000000',
    endTimeUnixNano: '1250000000',
    attributes: [
      { key: 'api.token', value: { stringValue: SECRET } },
      { key: 'http.route', value: { stringValue: '/users' } },
    ],
    events: [{ name: 'e', timeUnixNano: '3' }],
    links: [{ traceId: hex(TRACE_ID), spanId: hex(SPAN_ID) }],
    status: { code: 2, message: 'boom' },
  };

  function jsonRequest(span: object): string {
    return JSON.stringify({
      resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] }, scopeSpans: [{ scope: { name: 'lib' }, spans: [span] }] }],
    });
  }

  it('decodes to the same model as the protobuf form', () => {
    assert.deepEqual(decodeTraceRequestJson(jsonRequest(jsonSpan)), expectedRequest);
  });

  it('accepts enum names as well as numbers, and upper-case hex ids', () => {
    const named = { ...jsonSpan, kind: 'SPAN_KIND_SERVER', status: { code: 'STATUS_CODE_ERROR' }, traceId: hex(TRACE_ID).toUpperCase() };
    assert.deepEqual(decodeTraceRequestJson(jsonRequest(named)), expectedRequest);
    const kinds = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
    kinds.forEach((kind, i) => assert.equal(decodeTraceRequestJson(jsonRequest({ kind })).resourceSpans[0].scopeSpans[0].spans[0].kind, i));
    assert.equal(decodeTraceRequestJson(jsonRequest({ status: { code: 'STATUS_CODE_OK' } })).resourceSpans[0].scopeSpans[0].spans[0].statusCode, 1);
  });

  it('refuses odd ids, wrong types and unknown enum names with the field path', () => {
    const at = 'invalid ExportTraceServiceRequest at resourceSpans[0].scopeSpans[0].spans[0]';
    rejects(() => decodeTraceRequestJson(jsonRequest({ traceId: 'abcd' })), new RegExp(`^${escape(at)}\\.traceId: expected 32 hex digits, got 4$`));
    rejects(() => decodeTraceRequestJson(jsonRequest({ spanId: 'zz'.repeat(8) })), new RegExp(`^${escape(at)}\\.spanId: expected an even number of hex digits$`));
    rejects(() => decodeTraceRequestJson(jsonRequest({ spanId: 'abc' })), /spans\[0\]\.spanId: expected an even number of hex digits/);
    rejects(() => decodeTraceRequestJson(jsonRequest({ kind: SECRET })), /spans\[0\]\.kind: expected an integer or one of SPAN_KIND_UNSPECIFIED…SPAN_KIND_CONSUMER, got another string$/);
    rejects(() => decodeTraceRequestJson(jsonRequest({ status: { code: true } })), /spans\[0\]\.status\.code: expected an integer enum value, got a boolean/);
    rejects(() => decodeTraceRequestJson(jsonRequest({ startTimeUnixNano: SECRET })), /spans\[0\]\.startTimeUnixNano: expected an unsigned 64-bit integer as a decimal string/);
    rejects(() => decodeTraceRequestJson(jsonRequest({ endTimeUnixNano: '-1' })), /spans\[0\]\.endTimeUnixNano: an unsigned 64-bit integer out of range/);
    rejects(() => decodeTraceRequestJson(jsonRequest({ name: 5 })), /spans\[0\]\.name: expected a string, got a number/);
    rejects(() => decodeTraceRequestJson(jsonRequest({ attributes: {} })), /spans\[0\]\.attributes: expected an array, got an object/);
    rejects(() => decodeTraceRequestJson('{"resourceSpans": {}}'), /^invalid ExportTraceServiceRequest at resourceSpans: expected an array, got an object$/);
    rejects(() => decodeTraceRequestJson(`{"resourceSpans": [${SECRET}`), /^invalid ExportTraceServiceRequest: not valid JSON/);
  });
});

function escape(s: string): string {
  return s.replace(/[.[\]]/g, (c) => `\\${c}`);
}

describe('ExportTraceServiceResponse', () => {
  it('encodes partial success to the wire-format bytes and back', () => {
    const response = { partialSuccess: { rejectedSpans: 3n, errorMessage: 'x' } };
    assert.equal(hex(encodeTraceResponse(response)), '0a05' + '0803' + '120178');
    assert.deepEqual(decodeTraceResponse(encodeTraceResponse(response)), response);
    assert.equal(hex(encodeTraceResponse({})), '');
    assert.equal(hex(encodeTraceResponse({ partialSuccess: { rejectedSpans: 0n, errorMessage: '' } })), '0a00');
    const large = { partialSuccess: { rejectedSpans: 2n ** 40n, errorMessage: '' } };
    assert.deepEqual(decodeTraceResponse(encodeTraceResponse(large)), large);
  });

  it('encodes partial success as OTLP/JSON and back', () => {
    const response = { partialSuccess: { rejectedSpans: 3n, errorMessage: 'spans without api.token were dropped' } };
    assert.equal(encodeTraceResponseJson(response), '{"partialSuccess":{"rejectedSpans":"3","errorMessage":"spans without api.token were dropped"}}');
    assert.deepEqual(decodeTraceResponseJson(encodeTraceResponseJson(response)), response);
    assert.equal(encodeTraceResponseJson({}), '{}');
    assert.deepEqual(decodeTraceResponseJson('{}'), {});
  });
});
