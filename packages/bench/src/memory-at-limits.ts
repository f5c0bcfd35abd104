import { request as httpRequest, Agent } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  AggregationTemporality,
  METRICS_EXPORT_PATH,
  encodeMetricsRequest,
  type ExportMetricsServiceRequest,
  type KeyValue,
  type Metric,
} from '@otel-dp/otlp';
import { startService, type ServiceProcess } from './child-processes.js';
import { CountingSink } from './sink.js';

/**
 * Peak resident memory of `otel-dp run` driven to the limits its flags set,
 * one fresh process per load (VmHWM only grows, so each load needs its own):
 *
 * - idle: started, nothing sent;
 * - a window filled with (token, series) entries of one kind (delta sums,
 *   explicit-bucket histograms, exponential histograms) until the window
 *   refuses more: --max-tokens tokens, each in as many series as
 *   --max-series (less one) and the window's fixed cap of 1,000,000 entries
 *   allow;
 * - N requests in flight at once, each --max-request-bytes of empty
 *   ResourceMetrics (the costliest body per byte to decode): `inflight`;
 * - the same with bodies of sum points as an SDK sends them, as many as fit:
 *   `inflight-points`;
 * - a window full of exponential histograms, then the empty bodies in
 *   flight: `exponential+inflight`, the worst of them together.
 *
 * Usage: node packages/bench/dist/src/memory-at-limits.js [--inflight N]
 *          [--heap MiB] [--loads LIST] -- <flags of otel-dp run>
 */

const SIDECAR_BIN = fileURLToPath(new URL('../../../sidecar/bin/otel-dp.js', import.meta.url));
/** The processor's cap on (token, series) entries per window, which no flag sets. */
const MAX_WINDOW_ENTRIES = 1_000_000;
const DEFAULTS = { maxTokens: 100_000, maxSeries: 100_000, maxRequestBytes: 16 * 1024 * 1024 };
const POINTS_PER_REQUEST = 1000;
const SETTLE_MILLIS = 1500;
const MIB = 1024 * 1024;
/** Explicit bounds of http.server.request.duration in the semantic conventions (seconds). */
const DURATION_BOUNDS = [0, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** Buckets an SDK's exponential histogram holds at most by default. */
const EXPONENTIAL_BUCKETS = 160;

const LOADS = ['idle', 'sum', 'histogram', 'exponential', 'inflight', 'inflight-points', 'exponential+inflight'] as const;
type Load = (typeof LOADS)[number];
export type Kind = 'sum' | 'histogram' | 'exponential';

export interface Limits {
  maxTokens: number;
  maxSeries: number;
  maxRequestBytes: number;
}

interface LoadResult {
  load: Load;
  entries: number;
  requests: number;
  refused: number;
  peakRssBytes: number;
  exitedEarly: boolean;
}

function limitsOf(flags: readonly string[]): Limits {
  const value = (name: string, fallback: number): number => {
    const index = flags.lastIndexOf(`--${name}`);
    return index >= 0 && index + 1 < flags.length ? Number(flags[index + 1]) : fallback;
  };
  return {
    maxTokens: value('max-tokens', DEFAULTS.maxTokens),
    maxSeries: value('max-series', DEFAULTS.maxSeries),
    maxRequestBytes: value('max-request-bytes', DEFAULTS.maxRequestBytes),
  };
}

/** One POST; resolves with the status, or 0 when the connection failed (the process died). */
function post(agent: Agent, port: number, body: Uint8Array): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: METRICS_EXPORT_PATH, method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          if (process.env.MEMORY_AT_LIMITS_DEBUG !== undefined && res.statusCode !== 200) process.stderr.write(`${res.statusCode}: ${Buffer.concat(chunks).toString('latin1')}\n`);
          resolve(res.statusCode ?? 0);
        });
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

function attributes(token: string, series: number): KeyValue[] {
  return [
    { key: 'api.token', value: { stringValue: token } },
    { key: 'http.route', value: { stringValue: `/v1/resource-${series}` } },
    { key: 'http.request.method', value: { stringValue: 'GET' } },
  ];
}

/** `count` points of one kind, pair `first` onwards; pair p is token ⌊p / series⌋ in series p mod series. */
export function fillRequest(kind: Kind, first: number, count: number, seriesPerToken: number): ExportMetricsServiceRequest {
  const now = BigInt(Date.now()) * 1_000_000n;
  const common = (p: number) => {
    const token = `mem-token-${Math.floor(p / seriesPerToken).toString(16).padStart(12, '0')}`;
    return { attributes: attributes(token, p % seriesPerToken), startTimeUnixNano: now - 1_000_000_000n, timeUnixNano: now, exemplars: [], flags: 0 };
  };
  const pairs = Array.from({ length: count }, (_, i) => first + i);
  const delta = AggregationTemporality.DELTA;
  let metric: Metric;
  if (kind === 'sum') {
    metric = { name: 'http.server.requests', description: '', unit: '{request}', metadata: [], sum: { aggregationTemporality: delta, isMonotonic: true, dataPoints: pairs.map((p) => ({ ...common(p), asDouble: 1 })) } };
  } else if (kind === 'histogram') {
    const bucketCounts = DURATION_BOUNDS.map(() => 1n).concat([1n]);
    metric = {
      name: 'http.server.request.duration',
      description: '',
      unit: 's',
      metadata: [],
      histogram: { aggregationTemporality: delta, dataPoints: pairs.map((p) => ({ ...common(p), count: BigInt(bucketCounts.length), sum: 20, bucketCounts, explicitBounds: DURATION_BOUNDS })) },
    };
  } else {
    const bucketCounts = Array.from({ length: EXPONENTIAL_BUCKETS }, () => 1n);
    metric = {
      name: 'http.server.request.duration',
      description: '',
      unit: 's',
      metadata: [],
      exponentialHistogram: {
        aggregationTemporality: delta,
        dataPoints: pairs.map((p) => ({ ...common(p), count: BigInt(EXPONENTIAL_BUCKETS), sum: 100, scale: 3, zeroCount: 0n, zeroThreshold: 0, positive: { offset: -80, bucketCounts } })),
      },
    };
  }
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'memory-at-limits' } }], droppedAttributesCount: 0 },
        scopeMetrics: [{ scope: { name: 'bench', version: '1', attributes: [], droppedAttributesCount: 0 }, metrics: [metric], schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
}

async function runLoad(load: Load, sinkUrl: string, flags: readonly string[], heapMiB: number | undefined, inflight: number): Promise<LoadResult> {
  const limits = limitsOf(flags);
  const nodeArgs = [...(heapMiB === undefined ? [] : [`--max-old-space-size=${heapMiB}`]), SIDECAR_BIN, 'run', '--http-listen', '127.0.0.1:0', '--grpc-listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--window', '10m', '--exporter', 'otlp', '--otlp-endpoint', sinkUrl, ...flags];
  const service = await startService('otel-dp run', nodeArgs, undefined);
  const agent = new Agent({ keepAlive: true, maxSockets: Math.max(2, inflight) });
  const result: LoadResult = { load, entries: 0, requests: 0, refused: 0, peakRssBytes: 0, exitedEarly: false };
  // Read while the process lives: one killed by the heap limit leaves no /proc entry to read afterwards.
  const readPeak = (): void => {
    const peak = service.peakRssBytes();
    if (peak > result.peakRssBytes) result.peakRssBytes = peak;
  };
  const sampler = setInterval(readPeak, 100);
  try {
    if (load === 'sum' || load === 'histogram' || load === 'exponential') await fill(load, service, agent, limits, result);
    if (load === 'exponential+inflight') {
      await fill('exponential', service, agent, limits, result);
      await sendInFlight(service, agent, emptyResourceMetrics(limits.maxRequestBytes), inflight, result);
    }
    if (load === 'inflight') await sendInFlight(service, agent, emptyResourceMetrics(limits.maxRequestBytes), inflight, result);
    if (load === 'inflight-points') await sendInFlight(service, agent, pointsBody(limits), inflight, result);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MILLIS));
    readPeak();
  } finally {
    clearInterval(sampler);
    agent.destroy();
    await service.stop();
  }
  return result;
}

/**
 * The (token, series) pairs that fill a window: every token, each in as many
 * series as fit. A window that holds its most series refuses every later
 * request, even for series it holds, so one series short of the cap lets
 * every token in.
 */
export function fillShape(limits: Limits): { seriesPerToken: number; pairs: number } {
  const seriesPerToken = Math.max(1, Math.min(limits.maxSeries - 1, Math.floor(MAX_WINDOW_ENTRIES / limits.maxTokens)));
  return { seriesPerToken, pairs: Math.min(MAX_WINDOW_ENTRIES, limits.maxTokens * seriesPerToken) };
}

async function fill(kind: Kind, service: ServiceProcess, agent: Agent, limits: Limits, result: LoadResult): Promise<void> {
  const { seriesPerToken, pairs } = fillShape(limits);
  let perRequest = POINTS_PER_REQUEST;
  for (let first = 0; first < pairs; first += perRequest) {
    let count = Math.min(perRequest, pairs - first);
    let body = encodeMetricsRequest(fillRequest(kind, first, count, seriesPerToken));
    while (body.length > limits.maxRequestBytes && count > 1) {
      count = Math.ceil(count / 2);
      perRequest = count;
      body = encodeMetricsRequest(fillRequest(kind, first, count, seriesPerToken));
    }
    const status = await post(agent, service.httpPort, body);
    result.requests++;
    if (status === 0) {
      result.exitedEarly = true;
      return;
    }
    if (status !== 200) {
      result.refused++;
      return;
    }
    result.entries += count;
  }
}

/** Field 1 (resource_metrics), length 0, repeated: each two bytes an empty ResourceMetrics. */
function emptyResourceMetrics(bytes: number): Uint8Array {
  const body = new Uint8Array(bytes - (bytes % 2));
  for (let i = 0; i < body.length; i += 2) body[i] = 0x0a;
  return body;
}

/** As many sum points of the window's pairs as fit in one request. */
function pointsBody(limits: Limits): Uint8Array {
  const { seriesPerToken } = fillShape(limits);
  const sample = encodeMetricsRequest(fillRequest('sum', 0, POINTS_PER_REQUEST, seriesPerToken)).length / POINTS_PER_REQUEST;
  let count = Math.floor(limits.maxRequestBytes / sample);
  let body = encodeMetricsRequest(fillRequest('sum', 0, count, seriesPerToken));
  while (body.length > limits.maxRequestBytes) {
    count = Math.floor(count * 0.99);
    body = encodeMetricsRequest(fillRequest('sum', 0, count, seriesPerToken));
  }
  return body;
}

async function sendInFlight(service: ServiceProcess, agent: Agent, body: Uint8Array, inflight: number, result: LoadResult): Promise<void> {
  const statuses = await Promise.all(Array.from({ length: inflight }, () => post(agent, service.httpPort, body)));
  result.requests += statuses.length;
  result.refused += statuses.filter((status) => status !== 200).length;
  result.exitedEarly ||= statuses.includes(0);
}

async function main(argv: readonly string[]): Promise<void> {
  const split = argv.indexOf('--');
  const own = split < 0 ? argv : argv.slice(0, split);
  const flags = split < 0 ? [] : argv.slice(split + 1);
  const { values } = parseArgs({ args: [...own], options: { inflight: { type: 'string', default: '2' }, heap: { type: 'string' }, loads: { type: 'string', default: LOADS.join(',') } } });
  const loads = values.loads.split(',').map((name) => {
    if (!(LOADS as readonly string[]).includes(name)) throw new Error(`--loads: "${name}" is not one of ${LOADS.join(', ')}`);
    return name as Load;
  });
  const heapMiB = values.heap === undefined ? undefined : Number(values.heap);
  const inflight = Number(values.inflight);
  const limits = limitsOf(flags);
  const sink = await CountingSink.start();
  try {
    process.stdout.write(`otel-dp run ${flags.join(' ')}${heapMiB === undefined ? '' : ` (heap ${heapMiB} MiB)`}\n`);
    process.stdout.write(`limits: ${limits.maxTokens} tokens, ${limits.maxSeries} series, ${limits.maxRequestBytes} bytes per request, ${inflight} in flight\n\n`);
    process.stdout.write('| load | entries | requests | refused | peak RSS (MiB) | exited early |\n| --- | --- | --- | --- | --- | --- |\n');
    for (const load of loads) {
      const result = await runLoad(load, sink.url, flags, heapMiB, inflight);
      process.stdout.write(`| ${result.load} | ${result.entries} | ${result.requests} | ${result.refused} | ${(result.peakRssBytes / MIB).toFixed(1)} | ${result.exitedEarly ? 'yes' : 'no'} |\n`);
    }
  } finally {
    await sink.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
