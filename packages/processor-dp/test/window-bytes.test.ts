import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ExportMetricsServiceRequest, Metric } from '@otel-dp/otlp';
import { DEFAULT_DP_CONFIG, DpProcessor } from '../src/index.js';
import { MetricsSink, noNoise } from '../src/testing.js';
import { MS, attrs } from './builders.js';

const T0 = 1_700_000_000_000;
const MIB = 1024 * 1024;

describe('the window bounded in bytes', () => {
  it('holds exponential histograms of 20,000 tokens within maxWindowBytes, rejecting the points past it', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const used = (): number => {
      gc();
      gc();
      const memory = process.memoryUsage();
      return memory.heapUsed + memory.arrayBuffers;
    };
    const time = BigInt(T0 + 10) * MS;
    const requests: ExportMetricsServiceRequest[] = [];
    for (let first = 0; first < 20_000; first += 1000) {
      const metrics: Metric[] = [];
      for (let token = first; token < first + 1000; token++) {
        const point = { attributes: attrs({ route: '/a', 'api.token': `tok-${token}` }), startTimeUnixNano: time - MS, timeUnixNano: time, exemplars: [], flags: 0 };
        const exponential = { ...point, count: 3n, sum: 30, scale: 3, zeroCount: 0n, zeroThreshold: 0, positive: { offset: 20, bucketCounts: [1n, 1n, 1n] } };
        metrics.push({ name: 'latency', description: '', unit: 'ms', metadata: [], exponentialHistogram: { dataPoints: [exponential], aggregationTemporality: 1 } });
      }
      requests.push({ resourceMetrics: [{ resource: { attributes: [], droppedAttributesCount: 0 }, scopeMetrics: [{ scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 }, metrics, schemaUrl: '' }], schemaUrl: '' }] });
    }
    const maxWindowBytes = 4 * MIB;
    const processor = new DpProcessor({ ...DEFAULT_DP_CONFIG, windowMillis: 3_600_000, maxWindowBytes }, new MetricsSink(), { now: () => T0 + 10, noiseSampler: noNoise });
    await processor.start();
    const before = used();
    let rejected = 0;
    let refusedRequests = 0;
    for (const request of requests) {
      try {
        rejected += (await processor.consume(request)).rejectedDataPoints;
      } catch {
        refusedRequests++;
      }
    }
    const growth = used() - before;
    await processor.shutdown();
    // Uncapped, these 20,000 entries took 32 MiB (1.7 KB each, measured); capped at 4 MiB the window
    // holds about 3,000 and the heap grows by the cap and the series directory's share, well under 8 MiB.
    assert.ok(rejected + 1000 * refusedRequests > 15_000, `${rejected} points rejected, ${refusedRequests} requests refused`);
    assert.ok(growth < 2 * maxWindowBytes, `heap grew ${(growth / MIB).toFixed(1)} MiB`);
    assert.ok(processor.stats.refusedPoints.get('over_window_bytes')! >= rejected);
  });
});
