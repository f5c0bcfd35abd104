import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeMetricsRequestJson, encodeMetricsRequestJson, OtlpDecodeError, type ExportMetricsServiceRequest, type KeyValue } from '../src/index.js';
import { fullRequest } from './fixtures.js';

// The OTLP/JSON decoder's fast paths (point attributes from a cache, short
// decimals read digit by digit, recent long decimals remembered) must give
// what the general path gives, values and errors alike.

type Outcome = { request: ExportMetricsServiceRequest } | { error: string };

function outcome(body: string): Outcome {
  try {
    return { request: decodeMetricsRequestJson(body) };
  } catch (e) {
    assert.ok(e instanceof OtlpDecodeError, String(e));
    return { error: e.message };
  }
}

/**
 * The same body with `"boolValue": null` added to every attribute value
 * object of every data point: null counts as absent, so the request means the
 * same, but the cache takes only values with no other member, so these
 * lists go the general way.
 */
function bypassingCache(body: string): string {
  const visit = (node: unknown, inPoints: boolean): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, inPoints);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const o = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(o)) {
      if (inPoints && key === 'attributes' && Array.isArray(value)) {
        for (const item of value) {
          const v = (item as { value?: unknown } | null)?.value;
          if (typeof v === 'object' && v !== null && !Array.isArray(v)) (v as Record<string, unknown>).boolValue = null;
        }
      } else {
        visit(value, inPoints || key === 'dataPoints');
      }
    }
  };
  const parsed: unknown = JSON.parse(body);
  visit(parsed, false);
  return JSON.stringify(parsed);
}

/** Every point attribute list of a request, in order. */
function pointLists(request: ExportMetricsServiceRequest): KeyValue[][] {
  const lists: KeyValue[][] = [];
  for (const rm of request.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        for (const p of m.gauge?.dataPoints ?? []) lists.push(p.attributes);
        for (const p of m.sum?.dataPoints ?? []) lists.push(p.attributes);
        for (const p of m.histogram?.dataPoints ?? []) lists.push(p.attributes);
        for (const p of m.exponentialHistogram?.dataPoints ?? []) lists.push(p.attributes);
        for (const p of m.summary?.dataPoints ?? []) lists.push(p.attributes);
      }
    }
  }
  return lists;
}

/** Reproducible edits: SHA-256 of a seed and a counter. */
function* seededEdits(text: string, seed: string, count: number): Generator<string> {
  for (let i = 0; i < count; i++) {
    const digest = createHash('sha256').update(`${seed}:${i}`).digest();
    const chars = [...text];
    for (let e = 0; e < 1 + (digest[0] % 3); e++) {
      const at = digest.readUInt32LE(4 + 4 * e) % chars.length;
      chars[at] = String.fromCharCode(32 + (digest[1 + e] % 95));
    }
    yield chars.join('');
  }
}

function gaugeWith(points: Record<string, unknown>[]): string {
  return JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: points } }] }] }] });
}

function attributesOf(body: string): KeyValue[][] {
  return pointLists(decodeMetricsRequestJson(body));
}

const EXAMPLE = readFileSync(new URL('../../../../test/testdata/otlp-example-metrics.json', import.meta.url), 'utf8');

describe('OTLP/JSON fast paths', () => {
  it('give the general path\'s result on the example request, the full request and seeded edits of them, decoded again and again', () => {
    const full = encodeMetricsRequestJson(fullRequest());
    const bodies = [EXAMPLE, full, ...seededEdits(full, 'json-fast-paths', 600), ...seededEdits(EXAMPLE, 'json-fast-paths-example', 300)];
    let compared = 0;
    for (const [i, body] of bodies.entries()) {
      let reference: Outcome;
      try {
        reference = outcome(bypassingCache(body));
      } catch {
        // Not JSON: nothing to rewrite; both paths refuse it alike before any attribute is read.
        continue;
      }
      // The first decode may store the lists, the second and third find them.
      for (let pass = 0; pass < 3; pass++) assert.deepEqual(outcome(body), reference, `body ${i}, pass ${pass}`);
      compared++;
    }
    assert.ok(compared > 300, `only ${compared} bodies were JSON after the edits`);
  });

  it('shares one frozen list among points and requests with the same attributes, from its second sighting', () => {
    const attributes = [
      { key: 'api.token', value: { stringValue: 'fast-path-token-1' } },
      { key: 'http.response.status_code', value: { intValue: '200' } },
    ];
    const body = gaugeWith([{ attributes, asInt: '1' }, { attributes, asInt: '2' }]);
    const [first, second] = attributesOf(body);
    assert.equal(Object.isFrozen(first), false);
    assert.ok(Object.isFrozen(second) && Object.isFrozen(second[0]) && Object.isFrozen(second[1].value));
    const [third, fourth] = attributesOf(body);
    assert.equal(third, second);
    assert.equal(fourth, second);
    assert.deepEqual(second, [
      { key: 'api.token', value: { stringValue: 'fast-path-token-1' } },
      { key: 'http.response.status_code', value: { intValue: 200n } },
    ]);
  });

  it('tells kinds, spellings and separators apart after a list is cached', () => {
    const asString = [{ key: 'k', value: { stringValue: '5' } }];
    const asInt = [{ key: 'k', value: { intValue: '5' } }];
    const padded = [{ key: 'k', value: { intValue: '005' } }];
    for (let round = 0; round < 3; round++) {
      assert.deepEqual(attributesOf(gaugeWith([{ attributes: asString }]))[0], [{ key: 'k', value: { stringValue: '5' } }]);
      assert.deepEqual(attributesOf(gaugeWith([{ attributes: asInt }]))[0], [{ key: 'k', value: { intValue: 5n } }]);
      assert.deepEqual(attributesOf(gaugeWith([{ attributes: padded }]))[0], [{ key: 'k', value: { intValue: 5n } }]);
    }
    // Strings holding what could be separators in a key of joined strings.
    const joined = [{ key: 'a\u0000sb', value: { stringValue: 'c' } }];
    const split = [
      { key: 'a', value: { stringValue: 'b' } },
      { key: 'c', value: { stringValue: '' } },
    ];
    for (let round = 0; round < 3; round++) {
      assert.deepEqual(attributesOf(gaugeWith([{ attributes: joined }]))[0], [{ key: 'a\u0000sb', value: { stringValue: 'c' } }]);
      assert.deepEqual(attributesOf(gaugeWith([{ attributes: split }]))[0], [
        { key: 'a', value: { stringValue: 'b' } },
        { key: 'c', value: { stringValue: '' } },
      ]);
    }
  });

  it('keeps giving the right lists once more strings than it numbers have passed and it has started afresh', () => {
    const known = [
      { key: 'api.token', value: { stringValue: 'fast-path-token-3' } },
      { key: 'code', value: { intValue: '404' } },
    ];
    const expected = [
      { key: 'api.token', value: { stringValue: 'fast-path-token-3' } },
      { key: 'code', value: { intValue: 404n } },
    ];
    for (let round = 0; round < 3; round++) assert.deepEqual(attributesOf(gaugeWith([{ attributes: known }]))[0], expected);
    for (let batch = 0; batch < 3; batch++) {
      const points = Array.from({ length: 25_000 }, (_, i) => ({ attributes: [{ key: 'id', value: { stringValue: `unique-${batch}-${i}` } }] }));
      const lists = attributesOf(gaugeWith([...points, { attributes: known }]));
      assert.deepEqual(lists[lists.length - 1], expected);
      assert.deepEqual(lists[12_345], [{ key: 'id', value: { stringValue: `unique-${batch}-12345` } }]);
    }
    for (let round = 0; round < 3; round++) assert.deepEqual(attributesOf(gaugeWith([{ attributes: known }]))[0], expected);
  });

  it('refuses a list the cache holds once a second member or a bad value is added to it', () => {
    const good = [{ key: 'api.token', value: { stringValue: 'fast-path-token-2' } }];
    for (let round = 0; round < 3; round++) attributesOf(gaugeWith([{ attributes: good }]));
    assert.throws(
      () => decodeMetricsRequestJson(gaugeWith([{ attributes: [{ key: 'api.token', value: { stringValue: 'fast-path-token-2', intValue: '1' } }] }])),
      /attributes\[0\]\.value\.intValue: AnyValue has both stringValue and intValue/,
    );
    assert.throws(
      () => decodeMetricsRequestJson(gaugeWith([{ attributes: [{ key: 'status', value: { intValue: '12a' } }] }])),
      /attributes\[0\]\.value\.intValue: expected a signed 64-bit integer as a decimal string/,
    );
    assert.throws(() => decodeMetricsRequestJson(gaugeWith([{ attributes: [{ key: 7, value: { stringValue: 'x' } }] }])), /attributes\[0\]\.key: expected a string/);
  });

  it('reads 64-bit decimals as the mapping says, whatever their length, sign or repetition', () => {
    const DECIMAL = /^-?[0-9]+$/;
    const reference = (text: string, signed: boolean): bigint | 'refused' => {
      if (!DECIMAL.test(text) || text.length > 40) return 'refused';
      const n = BigInt(text);
      const inRange = signed ? n >= -(2n ** 63n) && n < 2n ** 63n : n >= 0n && n < 2n ** 64n;
      return inRange ? n : 'refused';
    };
    const texts = [
      '0', '-0', '7', '007', '1023', '1024', '-1', '-1024', '999999999999999', '-999999999999999', '1000000000000000',
      '9007199254740991', '9007199254740993', '1700000060000000000', '18446744073709551615', '18446744073709551616',
      '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809',
      '0000000000000000000000000000000000000001', '00000000000000000000000000000000000000001',
      '', '-', '+1', ' 1', '1 ', '1.0', '1e3', '0x10', '1_000', '\u0663', '12a', '--1', '1-',
    ];
    for (const text of texts) {
      for (const [field, signed] of [['timeUnixNano', false], ['asInt', true]] as const) {
        const expected = reference(text, signed);
        const body = gaugeWith([{ [field]: text }]);
        if (expected === 'refused') {
          assert.throws(() => decodeMetricsRequestJson(body), new RegExp(`dataPoints\\[0\\]\\.${field}: `), `${field} "${text}"`);
        } else {
          const point = decodeMetricsRequestJson(body).resourceMetrics[0].scopeMetrics[0].metrics[0].gauge!.dataPoints[0];
          assert.equal(field === 'asInt' ? point.asInt : point.timeUnixNano, expected, `${field} "${text}"`);
        }
      }
    }
    // Three long times taking turns, so the two remembered ones keep being replaced.
    const times = ['1700000060000000000', '1700000061000000000', '1700000062000000000'];
    const points = Array.from({ length: 12 }, (_, i) => ({ timeUnixNano: times[i % 3], startTimeUnixNano: times[(i + 1) % 3] }));
    const decoded = decodeMetricsRequestJson(gaugeWith(points)).resourceMetrics[0].scopeMetrics[0].metrics[0].gauge!.dataPoints;
    decoded.forEach((p, i) => {
      assert.equal(p.timeUnixNano, BigInt(times[i % 3]));
      assert.equal(p.startTimeUnixNano, BigInt(times[(i + 1) % 3]));
    });
    // A remembered unsigned time is still refused where a signed value is out of range.
    decodeMetricsRequestJson(gaugeWith([{ timeUnixNano: '18446744073709551615' }]));
    assert.throws(() => decodeMetricsRequestJson(gaugeWith([{ asInt: '18446744073709551615' }])), /asInt: a signed 64-bit integer out of range/);
  });
});
