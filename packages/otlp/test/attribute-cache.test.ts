import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';
import { AttributeCache, hashBytes } from '../src/attribute-cache.js';
import { decodeMetricsRequest, type KeyValue } from '../src/index.js';
import { kv } from './fixtures.js';
import { bytes, double, len, nest, PATH, str } from './wire.js';

/** A KeyValue field of a NumberDataPoint (field 7) with a string value. */
function attribute(key: string, value: string) {
  return len(7, str(1, key), len(2, str(1, value)));
}

function gaugePoints(...points: number[][]) {
  return bytes(nest(PATH.gauge, points.flatMap((point) => len(1, point))));
}

function pointAttributes(request: ReturnType<typeof decodeMetricsRequest>, index: number): KeyValue[] {
  return request.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge!.dataPoints[index].attributes;
}

describe('decoded point attributes', () => {
  const tokened = [...attribute('api.token', 'tok-cache-1'), ...attribute('http.route', '/a')];

  it('shares one frozen list among points with the same encoded attributes from their second sighting, across requests', () => {
    const first = decodeMetricsRequest(gaugePoints([...tokened, ...double(4, 1)], [...tokened, ...double(4, 2)], [...tokened, ...double(4, 3)]));
    const again = decodeMetricsRequest(gaugePoints([...tokened, ...double(4, 4)]));
    const expected = [kv('api.token', { stringValue: 'tok-cache-1' }), kv('http.route', { stringValue: '/a' })];
    for (const index of [0, 1, 2]) assert.deepEqual(pointAttributes(first, index), expected);
    assert.ok(!Object.isFrozen(pointAttributes(first, 0)), 'a list seen once is the point’s own');
    assert.ok(Object.isFrozen(pointAttributes(first, 1)));
    assert.equal(pointAttributes(first, 2), pointAttributes(first, 1));
    assert.equal(pointAttributes(again, 0), pointAttributes(first, 1));
  });

  it('refuses changes to a shared list, its attributes and their values', () => {
    const list = pointAttributes(decodeMetricsRequest(gaugePoints(tokened, tokened)), 1);
    assert.ok(Object.isFrozen(list));
    assert.throws(() => list.push(kv('x', { stringValue: 'y' })), TypeError);
    assert.throws(() => {
      list[0].key = 'other';
    }, TypeError);
    assert.throws(() => {
      list[0].value.stringValue = 'other';
    }, TypeError);
  });

  it('keeps attributes split by another field, in order, without changing the cached list', () => {
    const split = [...attribute('a', '1'), ...double(4, 1), ...attribute('b', '2')];
    const decoded = pointAttributes(decodeMetricsRequest(gaugePoints(split)), 0);
    assert.deepEqual(decoded, [kv('a', { stringValue: '1' }), kv('b', { stringValue: '2' })]);
    const firstRunAlone = pointAttributes(decodeMetricsRequest(gaugePoints(attribute('a', '1'))), 0);
    assert.deepEqual(firstRunAlone, [kv('a', { stringValue: '1' })]);
  });

  it('decodes attributes longer than a one-byte length among short ones', () => {
    const long = 'v'.repeat(300);
    const mixed = [...attribute('short', 's'), ...attribute('long', long), ...attribute('after', 'a')];
    const decoded = pointAttributes(decodeMetricsRequest(gaugePoints(mixed, attribute('long', long))), 0);
    assert.deepEqual(decoded, [kv('short', { stringValue: 's' }), kv('long', { stringValue: long }), kv('after', { stringValue: 'a' })]);
  });

  it('gives different lists for different bytes of the same length', () => {
    const a = decodeMetricsRequest(gaugePoints(attribute('api.token', 'tok-cache-a')));
    const b = decodeMetricsRequest(gaugePoints(attribute('api.token', 'tok-cache-b')));
    assert.equal(pointAttributes(a, 0)[0].value.stringValue, 'tok-cache-a');
    assert.equal(pointAttributes(b, 0)[0].value.stringValue, 'tok-cache-b');
  });
});

const viewOf = (buf: Buffer) => new DataView(buf.buffer, buf.byteOffset, buf.byteLength);

describe('AttributeCache', () => {
  /** The distinct 8-byte input number `n`. */
  const numbered = (n: number) => Buffer.from(new Float64Array([n]).buffer);

  /** Two different inputs `make(n)` whose cache keys (30 bits of the hash) are equal, found by counting. */
  function collidingInputs(make: (n: number) => Buffer = numbered): [Buffer, Buffer] {
    const seen = new Map<number, number>();
    for (let n = 1; n < 1_000_000; n++) {
      const input = make(n);
      const key = hashBytes(viewOf(input), 0, input.length) & 0x3fffffff;
      const earlier = seen.get(key);
      if (earlier !== undefined) return [make(earlier), input];
      seen.set(key, n);
    }
    throw new Error('no collision among a million inputs');
  }

  /** Looks `buf` up and stores `list` on each miss, as the decoder does; returns what the last lookup gave. */
  function sight(cache: AttributeCache, buf: Buffer, list: KeyValue[], times: number) {
    let found;
    for (let i = 0; i < times; i++) {
      found = cache.lookup(viewOf(buf), 0, buf.length);
      if (found === undefined) cache.store(buf, 0, buf.length, list);
    }
    return found;
  }

  it('stores a list on its second sighting only', () => {
    const cache = new AttributeCache();
    const buf = Buffer.from('a list of attributes');
    const list = [kv('k', { stringValue: 'v' })];
    assert.equal(sight(cache, buf, list, 1), undefined);
    assert.ok(!Object.isFrozen(list));
    assert.equal(sight(cache, buf, list, 1), undefined);
    assert.ok(Object.isFrozen(list));
    assert.equal(sight(cache, buf, list, 1), list);
  });

  it('stores every list of a recurring population the cache can hold by its third sighting', () => {
    const cache = new AttributeCache();
    const population = 30_000;
    const lists = Array.from({ length: population }, (_, n) => [kv('n', { intValue: BigInt(n) })]);
    for (let round = 0; round < 2; round++) for (let n = 0; n < population; n++) sight(cache, numbered(n), lists[n], 1);
    let hits = 0;
    for (let n = 0; n < population; n++) if (sight(cache, numbered(n), lists[n], 1) === lists[n]) hits++;
    assert.equal(hits, population);
  });

  it('keeps nearly all of a population seen once out of the cache', () => {
    const cache = new AttributeCache();
    const population = 300_000;
    let stored = 0;
    for (let n = 0; n < population; n++) {
      const list = [kv('n', { intValue: BigInt(n) })];
      sight(cache, numbered(n), list, 1);
      if (Object.isFrozen(list)) stored++;
    }
    // The filter's documented bound on lists taken for seen ones at their first sighting.
    assert.ok(stored < 0.016 * population, `${stored} of ${population} lists seen once were stored`);
  });

  it('turns a hash collision into a miss, never into the other list', () => {
    const [a, b] = collidingInputs();
    const cache = new AttributeCache();
    const listA = [kv('a', { stringValue: 'a' })];
    const listB = [kv('b', { stringValue: 'b' })];
    assert.equal(sight(cache, a, listA, 3), listA);
    // b has a's hash, so the doorkeeper takes it for a list seen before: it replaces a's entry at once.
    assert.equal(sight(cache, b, listB, 1), undefined);
    assert.equal(sight(cache, b, listB, 1), listB);
    assert.equal(sight(cache, a, listA, 1), undefined);
  });

  it('tells apart colliding lists that differ only in their last bytes, past the whole words', () => {
    // Eleven bytes: two whole words, the same in both, and three bytes over.
    const [a, b] = collidingInputs((n) => Buffer.concat([Buffer.from('same-pre'), Buffer.from([n & 0xff, (n >>> 8) & 0xff, n >>> 16])]));
    const cache = new AttributeCache();
    const listA = [kv('a', { stringValue: 'a' })];
    assert.equal(sight(cache, a, listA, 3), listA);
    assert.equal(cache.lookup(viewOf(b), 0, b.length), undefined);
    assert.equal(cache.lookup(viewOf(a), 0, a.length), listA);
  });
});
