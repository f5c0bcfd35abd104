import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeTraceRequest,
  decodeTraceRequestJson,
  encodeTraceRequest,
  OtlpDecodeError,
  SpanKind,
  type AnyValue,
  type ExportTraceServiceRequest,
  type KeyValue,
  type Span,
  type SpanAttributeSelection,
} from '../src/index.js';
import { testdata } from './fixtures.js';
import { SeededBytes } from './seeded-bytes.js';
import { bytes, len, str, uvarint, type Bytes } from './wire.js';

const SELECTION: SpanAttributeSelection = { keys: ['api.token', 'tenant'], maxSkippedBytes: 64 };
const NO_ID = new Uint8Array(0);

function kv(key: string, value: AnyValue): KeyValue {
  return { key, value };
}

function span(attributes: KeyValue[], name = 'GET /v1/orders'): Span {
  return {
    traceId: Uint8Array.from({ length: 16 }, (_, i) => i + 1),
    spanId: Uint8Array.from({ length: 8 }, (_, i) => 0xa0 + i),
    name,
    kind: SpanKind.SERVER,
    startTimeUnixNano: 1_700_000_000_000_000_000n,
    endTimeUnixNano: 1_700_000_000_012_500_000n,
    attributes,
    statusCode: 0,
  };
}

function requestOf(...spans: Span[]): ExportTraceServiceRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: [kv('service.name', { stringValue: 'api' }), kv('host.name', { stringValue: 'node-7' })], droppedAttributesCount: 0 },
        scopeSpans: [{ scope: { name: 'http', version: '1', attributes: [kv('api.token', { stringValue: 'scope-token' })], droppedAttributesCount: 0 }, spans }],
      },
    ],
  };
}

/** `request` as a selection should decode it: resources and scopes whole, spans with the selected attributes and no ids. */
function selected(request: ExportTraceServiceRequest): ExportTraceServiceRequest {
  return {
    resourceSpans: request.resourceSpans.map((resourceSpans) => ({
      ...resourceSpans,
      scopeSpans: resourceSpans.scopeSpans.map((scopeSpans) => ({
        ...scopeSpans,
        spans: scopeSpans.spans.map((s) => ({ ...s, traceId: NO_ID, spanId: NO_ID, attributes: s.attributes.filter((a) => SELECTION.keys.includes(a.key)) })),
      })),
    })),
  };
}

const plainAttributes: KeyValue[] = [
  kv('http.request.method', { stringValue: 'GET' }),
  kv('url.path', { stringValue: '/v1/orders/1234' }),
  kv('api.token', { stringValue: 'tok-7f3a' }),
  kv('http.response.status_code', { intValue: 200n }),
  kv('sampled', { boolValue: true }),
  kv('ratio', { doubleValue: 0.25 }),
  kv('blob', { bytesValue: Uint8Array.from([0xff, 0x00, 0x80]) }),
  kv('empty', {}),
  kv('tenant', { intValue: 42n }),
];

/**
 * Decodes with and without the selection: both refuse with the same
 * message, or give the same request but for spans narrowed by the
 * selection. Says which, and how many spans were narrowed.
 */
function sameOutcome(input: Uint8Array, label: string, maxAttributesPerList?: number): { refused: boolean; narrowed: number } {
  let whole: ExportTraceServiceRequest | undefined;
  let refusal: unknown;
  try {
    whole = decodeTraceRequest(input, { maxAttributesPerList });
  } catch (e) {
    refusal = e;
  }
  if (whole === undefined) {
    assert.throws(
      () => decodeTraceRequest(input, { maxAttributesPerList, spanAttributes: SELECTION }),
      (e: unknown) => {
        assert.ok(e instanceof OtlpDecodeError, `${label}: ${String(e)}`);
        assert.equal(e.constructor, (refusal as Error).constructor, label);
        assert.equal(e.message, (refusal as Error).message, label);
        return true;
      },
    );
    return { refused: true, narrowed: 0 };
  }
  const decoded = decodeTraceRequest(input, { maxAttributesPerList, spanAttributes: SELECTION });
  const narrowed = selected(whole);
  let narrowedSpans = 0;
  // Span by span: narrowed by the selection, or whole when one of its attributes needed it.
  decoded.resourceSpans.forEach((resourceSpans, r) =>
    resourceSpans.scopeSpans.forEach((scopeSpans, s) =>
      scopeSpans.spans.forEach((got, i) => {
        const wholeSpan = whole.resourceSpans[r].scopeSpans[s].spans[i];
        const narrowSpan = narrowed.resourceSpans[r].scopeSpans[s].spans[i];
        if (isDeepEqual(got, narrowSpan)) narrowedSpans++;
        else assert.deepEqual(got, wholeSpan, `${label}: span ${i} is neither narrowed nor whole`);
      }),
    ),
  );
  assert.deepEqual({ ...decoded, resourceSpans: decoded.resourceSpans.map((x) => ({ ...x, scopeSpans: x.scopeSpans.map((y) => ({ ...y, spans: [] })) })) }, {
    ...whole,
    resourceSpans: whole.resourceSpans.map((x) => ({ ...x, scopeSpans: x.scopeSpans.map((y) => ({ ...y, spans: [] })) })),
  });
  return { refused: false, narrowed: narrowedSpans };
}

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

describe('decoding traces with a span attribute selection', () => {
  it('keeps the selected attributes of plain spans, in order, and leaves the ids empty', () => {
    const request = requestOf(span(plainAttributes), span([kv('url.path', { stringValue: '/x' })]), span([]));
    const decoded = decodeTraceRequest(encodeTraceRequest(request), { spanAttributes: SELECTION });
    assert.deepEqual(decoded, selected(request));
    assert.deepEqual(decoded.resourceSpans[0].scopeSpans[0].spans[0].attributes, [kv('api.token', { stringValue: 'tok-7f3a' }), kv('tenant', { intValue: 42n })]);
  });

  it('decodes a span whole when an attribute is not a short ASCII scalar: it could fail to decode or pass a receiver limit (a negative integer is ten bytes long)', () => {
    const long = 'x'.repeat(SELECTION.maxSkippedBytes + 1);
    const odd: KeyValue[] = [
      kv('user_agent.original', { stringValue: 'client/1.0 (café)' }),
      kv('clé', { stringValue: 'v' }),
      kv('url.full', { stringValue: long }),
      kv(long, { stringValue: 'v' }),
      kv('blob', { bytesValue: new Uint8Array(SELECTION.maxSkippedBytes + 1) }),
      kv('tags', { arrayValue: { values: [{ stringValue: 'a' }] } }),
      kv('negative', { intValue: -1n }),
      kv('map', { kvlistValue: { values: [kv('k', { stringValue: 'v' })] } }),
      kv('api.token', { kvlistValue: { values: [kv('k', { stringValue: 'v' })] } }),
    ];
    for (const attribute of odd) {
      const request = requestOf(span([kv('api.token', { stringValue: 't' }), attribute]), span(plainAttributes));
      const decoded = decodeTraceRequest(encodeTraceRequest(request), { spanAttributes: SELECTION });
      const expected = selected(request);
      expected.resourceSpans[0].scopeSpans[0].spans[0] = request.resourceSpans[0].scopeSpans[0].spans[0];
      assert.deepEqual(decoded, expected, attribute.key.slice(0, 20));
    }
  });

  it('decodes a span whole for key-values laid out unusually: value first, no value, a repeated key, a three-byte length', () => {
    const value = len(2, str(1, 'v'));
    const layouts: Bytes[] = [
      [...value, ...str(1, 'api.token')],
      str(1, 'url.path'),
      [...str(1, 'a'), ...str(1, 'api.token'), ...value],
      [...str(1, 'k'), ...len(2, str(1, 'y'.repeat(20_000)))],
    ];
    for (const [i, layout] of layouts.entries()) {
      const spanBytes = [...str(5, 'GET /'), ...len(9, layout), ...len(9, [...str(1, 'api.token'), ...len(2, str(1, 't'))])];
      const input = bytes(len(1, len(2, len(2, spanBytes))));
      const whole = decodeTraceRequest(input);
      assert.deepEqual(decodeTraceRequest(input, { spanAttributes: { ...SELECTION, maxSkippedBytes: 1 << 20 } }), whole, `layout ${i}`);
    }
  });

  it('refuses what the whole decode refuses, with the same message: ids, truncations, invalid UTF-8, the attribute count', () => {
    const body = encodeTraceRequest(requestOf(span(plainAttributes), span(plainAttributes.slice(0, 3))));
    for (let n = 0; n < body.length; n++) sameOutcome(body.subarray(0, n), `prefix ${n}`);
    const badId = bytes(len(1, len(2, len(2, [...len(1, [1, 2, 3]), ...str(5, 'x')]))));
    sameOutcome(badId, 'short trace id');
    assert.throws(() => decodeTraceRequest(badId, { spanAttributes: SELECTION }), /id of 3 bytes where 16 are expected at byte \d+ in Span\.trace_id$/);
    const badUtf8 = bytes(len(1, len(2, len(2, [...len(9, [...str(1, 'k'), ...len(2, len(1, [0xc3, 0x28]))]), ...uvarint(6, 2)]))));
    sameOutcome(badUtf8, 'invalid UTF-8 in a skipped value');
    assert.throws(() => decodeTraceRequest(badUtf8, { spanAttributes: SELECTION }), /invalid UTF-8/);
    for (const max of [0, 2, 9, 10]) sameOutcome(body, `at most ${max} attributes`, max);
  });

  it('random byte changes to a valid request: the same refusal or the same spans, narrowed', () => {
    const random = new SeededBytes('span-attribute-selection');
    const valid = encodeTraceRequest(requestOf(span(plainAttributes), span(plainAttributes.slice(2, 6), 'POST /v1/events')));
    const seen = { refused: 0, narrowed: 0, whole: 0 };
    for (let i = 0; i < 3000; i++) {
      const outcome = sameOutcome(random.changed(valid), `case ${i}`, random.byte() < 64 ? random.below(12) : undefined);
      if (outcome.refused) seen.refused++;
      else if (outcome.narrowed === 2) seen.narrowed++;
      else seen.whole++;
    }
    // Each way was taken: refusals, requests narrowed, and spans a change sent to the whole decode.
    assert.ok(seen.refused > 300 && seen.narrowed > 300 && seen.whole > 100, JSON.stringify(seen));
  });

  it('reads the requests written by others as the whole decode does, narrowed', () => {
    const written = [testdata('trace-request.binpb'), encodeTraceRequest(decodeTraceRequestJson(testdata('otlp-example-trace.json')))];
    for (const [i, input] of written.entries()) {
      assert.deepEqual(decodeTraceRequest(input, { spanAttributes: SELECTION }), selected(decodeTraceRequest(input)), `request ${i}`);
    }
  });
});
