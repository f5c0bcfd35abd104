// The cost of the attribute limit check next to the decoding it follows.
// Run after a build: node --expose-gc packages/receiver-otlp/dist/test/limits-benchmark.js
import { decodeMetricsRequest, encodeMetricsRequest } from '@otel-dp/otlp';
import type { ExportMetricsServiceRequest, KeyValue, NumberDataPoint } from '@otel-dp/otlp';
import { DEFAULT_MAX_ATTRIBUTES_PER_POINT, DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH } from '../src/config.js';
import { AttributeLimits } from '../src/limits.js';
import { attribute } from './support/requests.js';

const POINTS = 1000;
const ROUNDS = 200;

/** A typical SDK request: 8 resource attributes, 1000 sum points of 5 attributes each. */
function typicalRequest(): ExportMetricsServiceRequest {
  const resource: KeyValue[] = ['service.name', 'service.version', 'host.name', 'os.type', 'process.pid', 'telemetry.sdk.name', 'telemetry.sdk.language', 'telemetry.sdk.version'].map(
    (key, i) => attribute(key, `value-${i}`),
  );
  const dataPoints: NumberDataPoint[] = [];
  for (let i = 0; i < POINTS; i++) {
    dataPoints.push({
      attributes: [
        attribute('api.token', `tok_${i % 37}`),
        attribute('http.route', `/v1/items/${i % 20}`),
        attribute('http.request.method', 'GET'),
        attribute('http.response.status_code', '200'),
        { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } } },
      ],
      startTimeUnixNano: 1_700_000_000_000_000_000n,
      timeUnixNano: 1_700_000_000_000_000_000n + BigInt(i),
      asInt: BigInt(i),
      exemplars: [],
      flags: 0,
    });
  }
  return {
    resourceMetrics: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        scopeMetrics: [
          {
            scope: { name: 'bench', version: '1', attributes: [], droppedAttributesCount: 0 },
            metrics: [{ name: 'http.server.requests', description: '', unit: '1', metadata: [], sum: { dataPoints, aggregationTemporality: 2, isMonotonic: true } }],
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  };
}

function timePerRound(run: () => void): number {
  for (let i = 0; i < ROUNDS / 4; i++) run();
  const started = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) run();
  return Number(process.hrtime.bigint() - started) / ROUNDS;
}

const gc = (globalThis as { gc?: () => void }).gc;
const body = encodeMetricsRequest(typicalRequest());
const decoded = decodeMetricsRequest(body);
const limits = new AttributeLimits(DEFAULT_MAX_ATTRIBUTES_PER_POINT, DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH);

const decodeNs = timePerRound(() => decodeMetricsRequest(body));
const checkNs = timePerRound(() => limits.check(decoded));

// Heap growth over a few checks, too few to fill the young generation and
// trigger a collection: allocating even 8 bytes per point would show as
// 8 × POINTS × ALLOCATION_ROUNDS bytes.
const ALLOCATION_ROUNDS = 50;
gc?.();
const heapBefore = process.memoryUsage().heapUsed;
for (let i = 0; i < ALLOCATION_ROUNDS; i++) limits.check(decoded);
const heapGrowth = process.memoryUsage().heapUsed - heapBefore;

console.log(`request: ${POINTS} points, ${body.length} bytes of protobuf`);
console.log(`decode:  ${(decodeNs / 1000).toFixed(0)} µs per request, ${(decodeNs / POINTS).toFixed(0)} ns per point`);
console.log(`check:   ${(checkNs / 1000).toFixed(0)} µs per request, ${(checkNs / POINTS).toFixed(0)} ns per point`);
console.log(`check / decode: ${((100 * checkNs) / decodeNs).toFixed(1)} %`);
console.log(
  `heap growth over ${ALLOCATION_ROUNDS} checks: ${heapGrowth} bytes, ${(heapGrowth / (ALLOCATION_ROUNDS * POINTS)).toFixed(3)} bytes per point` +
    (gc === undefined ? ' (run with --expose-gc for a clean start)' : ''),
);
