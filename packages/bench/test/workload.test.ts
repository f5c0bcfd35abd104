import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { countDataPoints, decodeMetricsRequest, decodeMetricsRequestJson, type ExportMetricsServiceRequest, type KeyValue } from '@otel-dp/otlp';
import { METRICS_TRANSPORTS, encodePayloads, nextBody, releaseBody, type MetricsTransport } from '../src/payloads.js';
import { TIME_UNIX_NANO, TOKEN_ATTRIBUTE, buildWorkload } from '../src/workload.js';

const requests = buildWorkload();

function pointsOf(request: (typeof requests)[number]): Array<{ metric: string; attributes: KeyValue[] }> {
  return request.resourceMetrics[0].scopeMetrics[0].metrics.flatMap((metric) => {
    const data = metric.sum ?? metric.gauge ?? metric.histogram;
    assert.ok(data !== undefined, `${metric.name} is a sum, gauge or histogram`);
    return data.dataPoints.map((point) => ({ metric: metric.name, attributes: point.attributes }));
  });
}

describe('buildWorkload', () => {
  it('builds requests of 20 metrics × 50 points that cover 1,000 tokens', () => {
    assert.equal(requests.length, 20);
    const tokens = new Set<string>();
    for (const request of requests) {
      assert.equal(request.resourceMetrics[0].scopeMetrics[0].metrics.length, 20);
      assert.equal(countDataPoints(request), 1000);
      for (const point of pointsOf(request)) {
        const token = point.attributes.find((a) => a.key === TOKEN_ATTRIBUTE)?.value.stringValue;
        assert.ok(token !== undefined);
        tokens.add(token);
      }
    }
    assert.equal(tokens.size, 1000);
  });

  it('tags each point with 3 to 5 attributes, the token among them, and each (token, metric) once', () => {
    const seen = new Set<string>();
    const sizes = new Set<number>();
    for (const request of requests) {
      for (const point of pointsOf(request)) {
        sizes.add(point.attributes.length);
        const token = point.attributes.find((a) => a.key === TOKEN_ATTRIBUTE)!.value.stringValue!;
        const key = `${token}|${point.metric}`;
        assert.ok(!seen.has(key), `${key} appears once`);
        seen.add(key);
      }
    }
    assert.deepEqual([...sizes].sort(), [3, 4, 5]);
    assert.equal(seen.size, 20 * 1000);
  });

  it('mixes cumulative and delta sums, gauges and histograms', () => {
    const metrics = requests[0].resourceMetrics[0].scopeMetrics[0].metrics;
    const kinds = new Set(metrics.map((m) => (m.sum !== undefined ? `sum/${m.sum.aggregationTemporality}` : m.gauge !== undefined ? 'gauge' : 'histogram')));
    assert.deepEqual([...kinds].sort(), ['gauge', 'histogram', 'sum/1', 'sum/2']);
  });
});

describe('encodePayloads', () => {
  it('encodes bodies that decode back to the requests, gRPC ones as framed messages', () => {
    const protobuf = encodePayloads(requests.slice(0, 2), 'http-protobuf', true);
    assert.deepEqual(decodeMetricsRequest(gunzipSync(protobuf.bodies[1])), requests[1]);
    assert.deepEqual(protobuf.points, [1000, 1000]);
    const json = encodePayloads(requests.slice(0, 1), 'http-json', false);
    assert.deepEqual(decodeMetricsRequestJson(json.bodies[0]), requests[0]);
    for (const gzip of [false, true]) {
      const grpc = encodePayloads(requests.slice(0, 1), 'grpc', gzip);
      const body = grpc.bodies[0];
      assert.equal(body[0], gzip ? 1 : 0, 'the compressed flag');
      assert.equal(body.readUInt32BE(1), body.length - 5, 'the message length');
      const message = body.subarray(5);
      assert.deepEqual(decodeMetricsRequest(gzip ? gunzipSync(message) : message), requests[0]);
      assert.equal(grpc.meanWireBytes, body.length);
    }
  });
});

describe('nextBody', () => {
  /** The request with every point's time set to `time`. */
  function withTime(request: ExportMetricsServiceRequest, time: bigint): ExportMetricsServiceRequest {
    const copy = structuredClone(request);
    for (const metric of copy.resourceMetrics[0].scopeMetrics[0].metrics) {
      for (const point of (metric.sum ?? metric.gauge ?? metric.histogram)!.dataPoints) point.timeUnixNano = time;
    }
    return copy;
  }

  const decoders: Record<MetricsTransport, (body: Buffer) => ExportMetricsServiceRequest> = {
    'http-protobuf': (body) => decodeMetricsRequest(body),
    'http-json': (body) => decodeMetricsRequestJson(body),
    grpc: (body) => decodeMetricsRequest(body.subarray(5)),
  };

  for (const transport of METRICS_TRANSPORTS) {
    it(`moves every point of a ${transport} body one second on at each send, and nothing else`, () => {
      const payloads = encodePayloads(requests.slice(0, 2), transport, false);
      assert.equal(payloads.timeOffsets[1].length, 1000);
      const built = Buffer.from(payloads.bodies[1]);
      const first = nextBody(payloads, 1);
      const inFlight = nextBody(payloads, 1);
      assert.notEqual(inFlight, first, 'a body in flight is never handed out again');
      releaseBody(payloads, 1, first);
      const third = nextBody(payloads, 1);
      assert.equal(third, first, 'a released body is stamped again');
      for (const [body, step] of [[inFlight, 2n], [third, 3n]] as const) {
        assert.equal(body.length, built.length);
        assert.deepEqual(decoders[transport](body), withTime(requests[1], TIME_UNIX_NANO + step * 1_000_000_000n));
      }
      assert.deepEqual(payloads.bodies[1], built, 'the prebuilt body stays as built');
      assert.deepEqual(decoders[transport](nextBody(payloads, 0)), withTime(requests[0], TIME_UNIX_NANO + 1_000_000_000n));
    });
  }

  it('sends gzipped bodies as built', () => {
    const payloads = encodePayloads(requests.slice(0, 1), 'http-protobuf', true);
    assert.equal(nextBody(payloads, 0), payloads.bodies[0]);
  });
});

