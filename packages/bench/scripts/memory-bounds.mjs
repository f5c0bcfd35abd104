// Measures what the window and the decoder hold for the shapes that cost the
// most memory per byte sent. Run with `node --expose-gc scripts/memory-bounds.mjs`
// after `pnpm -s build`; prints one JSON line per case.
import { AggregationTemporality, decodeMetricsRequest } from '@otel-dp/otlp';
import { DEFAULT_DP_CONFIG, DpProcessor } from '@otel-dp/processor-dp';

const MiB = 1024 * 1024;

function heapUsed() {
  globalThis.gc();
  globalThis.gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

function exponentialRequest(tokens, series, firstToken) {
  const points = [];
  for (let t = 0; t < tokens; t++) {
    for (let s = 0; s < series; s++) {
      points.push({
        attributes: [
          { key: 'api.token', value: { stringValue: `tok-${firstToken + t}` } },
          { key: 'route', value: { stringValue: `/r${s}` } },
        ],
        startTimeUnixNano: 0n, timeUnixNano: 0n, count: 1n, sum: 1, scale: 3, zeroCount: 0n,
        positive: { offset: 0, bucketCounts: [1n] }, negative: undefined, flags: 0, exemplars: [], zeroThreshold: 0,
      });
    }
  }
  return {
    resourceMetrics: [{
      resource: { attributes: [], droppedAttributesCount: 0 },
      scopeMetrics: [{ scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '',
        metrics: [{ name: 'latency', description: '', unit: 's', metadata: [],
          exponentialHistogram: { dataPoints: points, aggregationTemporality: AggregationTemporality.DELTA } }] }],
      schemaUrl: '',
    }],
  };
}

async function windowCase(maxTokens, maxSeries, extra) {
  const exporter = { export: async () => {} };
  const processor = new DpProcessor(
    { ...DEFAULT_DP_CONFIG, windowMillis: 3_600_000, clip: [{ pattern: '*', lower: -1000, upper: 1000 }], maxTokens, maxSeries, ...extra },
    exporter,
  );
  await processor.start();
  const before = heapUsed();
  let refused = 0;
  const started = Date.now();
  const tokensPerRequest = 10;
  for (let first = 0; first < maxTokens - 1; first += tokensPerRequest) {
    try {
      const result = await processor.consume(exponentialRequest(Math.min(tokensPerRequest, maxTokens - 1 - first), maxSeries - 1, first));
      refused += result.rejectedDataPoints;
    } catch {
      refused += tokensPerRequest * maxSeries;
    }
  }
  const grown = heapUsed() - before;
  const accepted = processor.stats.acceptedPoints;
  console.log(JSON.stringify({ case: 'exponential window', maxTokens, maxSeries, ...extra, accepted, refused, heapGrowthMiB: +(grown / MiB).toFixed(1), bytesPerEntry: accepted ? Math.round(grown / accepted) : 0, seconds: (Date.now() - started) / 1000 }));
  await processor.shutdown();
}

function emptyResourceMetricsCase(totalBytes) {
  const body = new Uint8Array(totalBytes);
  for (let i = 0; i < totalBytes; i += 2) body[i] = 0x0a;
  const before = heapUsed();
  const started = process.hrtime.bigint();
  const request = decodeMetricsRequest(body);
  const millis = Number(process.hrtime.bigint() - started) / 1e6;
  const grown = heapUsed() - before;
  console.log(JSON.stringify({ case: 'empty ResourceMetrics decode', bodyMiB: totalBytes / MiB, messages: request.resourceMetrics.length, heapGrowthMiB: +(grown / MiB).toFixed(1), millis: Math.round(millis) }));
}

const which = process.argv[2] ?? 'all';
if (which === 'all' || which === 'window') await windowCase(1000, 1000, {});
if (which === 'all' || which === 'decode') emptyResourceMetricsCase(16 * MiB);
