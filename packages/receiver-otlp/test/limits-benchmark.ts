// The cost of the attribute limit check next to the decoding it follows.
// Run after a build: node packages/receiver-otlp/dist/test/limits-benchmark.js
import { PerformanceObserver } from 'node:perf_hooks';
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

const body = encodeMetricsRequest(typicalRequest());
const decoded = decodeMetricsRequest(body);
const limits = new AttributeLimits(DEFAULT_MAX_ATTRIBUTES_PER_POINT, DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH);

const decodeNs = timePerRound(() => decodeMetricsRequest(body));
const checkNs = timePerRound(() => limits.check(decoded));

// Garbage collections during many checks, next to those during a control
// loop that makes one small object per point. Heap-size deltas are too noisy
// to tell (sweeping shows up as hundreds of kilobytes either way), while a
// loop that allocates nothing triggers no collection at all.
const ALLOCATION_ROUNDS = 2000;
let kept: { point: number } | undefined;
let collections = 0;
const observer = new PerformanceObserver((list) => {
  collections += list.getEntries().length;
});
observer.observe({ entryTypes: ['gc'] });
const nextTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 10));
async function collectionsDuring(run: () => void): Promise<number> {
  await nextTurn();
  collections = 0;
  for (let i = 0; i < ALLOCATION_ROUNDS; i++) run();
  // Entries arrive on a later turn of the event loop.
  await nextTurn();
  return collections;
}
const checkCollections = await collectionsDuring(() => limits.check(decoded));
const controlCollections = await collectionsDuring(() => {
  for (let p = 0; p < POINTS; p++) kept = { point: p };
});
observer.disconnect();

console.log(`request: ${POINTS} points, ${body.length} bytes of protobuf`);
console.log(`decode:  ${(decodeNs / 1000).toFixed(0)} µs per request, ${(decodeNs / POINTS).toFixed(0)} ns per point`);
console.log(`check:   ${(checkNs / 1000).toFixed(0)} µs per request, ${(checkNs / POINTS).toFixed(0)} ns per point`);
console.log(`check / decode: ${((100 * checkNs) / decodeNs).toFixed(1)} %`);
console.log(
  `garbage collections over ${ALLOCATION_ROUNDS * POINTS} points: ${checkCollections} while checking, ` +
    `${controlCollections} while making one object per point (last: ${kept?.point ?? 'none'})`,
);
