// Measures what the window and the decoder hold for the shapes that cost the
// most memory per byte sent. Run with `node --expose-gc scripts/memory-bounds.mjs`
// after `pnpm -s build` (from packages/bench; `window` or `decode` runs one half,
// `--decode-anyway` also decodes what the receiver would refuse); prints one JSON line per case.
import { AggregationTemporality, countMetricsMessages, decodeMetricsRequest } from '@otel-dp/otlp';
import { DEFAULT_MAX_MESSAGES_PER_REQUEST } from '@otel-dp/receiver-otlp';
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

function emptyResourceMetrics(count) {
  const body = new Uint8Array(2 * count);
  for (let i = 0; i < body.length; i += 2) body[i] = 0x0a;
  return body;
}

/** One ResourceMetrics, one ScopeMetrics, one Metric with a sum of `count` empty data points. */
function emptySumPoints(count) {
  const sum = [];
  for (let i = 0; i < count; i++) sum.push(0x0a, 0x00);
  const wrap = (field, inner) => [field, ...lengthBytes(inner.length), ...inner];
  const metric = wrap(0x3a, sum);
  const scope = wrap(0x12, metric);
  return Uint8Array.from(wrap(0x0a, wrap(0x12, scope)));
}

function lengthBytes(n) {
  const out = [];
  while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); }
  out.push(n);
  return out;
}

/** What the receiver does before decoding: count the messages, decode only within the limit. */
function decodeCase(name, body) {
  const before = heapUsed();
  const started = process.hrtime.bigint();
  const counted = countMetricsMessages(body, Number.MAX_SAFE_INTEGER);
  const countMillis = Number(process.hrtime.bigint() - started) / 1e6;
  const refused = countMetricsMessages(body, DEFAULT_MAX_MESSAGES_PER_REQUEST) > DEFAULT_MAX_MESSAGES_PER_REQUEST;
  let request = refused ? undefined : decodeMetricsRequest(body);
  const millis = Number(process.hrtime.bigint() - started) / 1e6;
  const grown = heapUsed() - before;
  const unbounded = process.argv.includes('--decode-anyway');
  let decodedMiB;
  if (unbounded) {
    const start = heapUsed();
    request = decodeMetricsRequest(body);
    decodedMiB = +((heapUsed() - start) / MiB).toFixed(1);
  }
  console.log(JSON.stringify({ case: name, bodyMiB: +(body.length / MiB).toFixed(2), messages: counted, refused, countMillis: Math.round(countMillis), heapGrowthMiB: +(grown / MiB).toFixed(1), millis: Math.round(millis), decodedAnywayMiB: decodedMiB, decoded: request !== undefined }));
}

const which = process.argv[2] ?? 'all';
if (which === 'all' || which === 'window') await windowCase(1000, 1000, {});
if (which === 'all' || which === 'decode') {
  decodeCase('16 MiB of empty ResourceMetrics', emptyResourceMetrics(8 * MiB));
  decodeCase('empty ResourceMetrics at the message limit', emptyResourceMetrics(DEFAULT_MAX_MESSAGES_PER_REQUEST - 1));
  decodeCase('empty sum points at the message limit', emptySumPoints(DEFAULT_MAX_MESSAGES_PER_REQUEST - 4));
}
