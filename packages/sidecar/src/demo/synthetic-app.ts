import { randomBytes, randomInt } from 'node:crypto';
import { AggregationTemporalityPreference, OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { Counter } from '@opentelemetry/api';

/** A route of the synthetic application and its share of the traffic (relative weight). */
export interface DemoRoute {
  method: string;
  route: string;
  weight: number;
}

/** Skewed popularity: listing users is ten times as common as health checks. */
export const DEMO_ROUTES: readonly DemoRoute[] = [
  { method: 'GET', route: '/users', weight: 50 },
  { method: 'GET', route: '/orders', weight: 30 },
  { method: 'POST', route: '/orders', weight: 15 },
  { method: 'GET', route: '/health', weight: 5 },
];

/** `GET /users`: how the demo names a route in its tables. */
export function routeLabel(method: string, route: string): string {
  return `${method} ${route}`;
}

export interface SyntheticAppOptions {
  /** OTLP/HTTP metrics URL of the sidecar, e.g. http://127.0.0.1:4318/v1/metrics. */
  endpoint: string;
  metricName: string;
  tokenAttribute: string;
  tokens: number;
  requestsPerSecond: number;
  /** Traffic stops by itself after this many milliseconds, even if stop() is never called. */
  durationMillis: number;
  /** How often the SDK exports, in milliseconds. Default 1000. */
  exportIntervalMillis?: number;
}

/** Requests are recorded in batches this often, in milliseconds. */
const TICK_MILLIS = 100;

/**
 * A stand-in for an instrumented service: the real OpenTelemetry SDK
 * (MeterProvider, PeriodicExportingMetricReader, OTLPMetricExporter over
 * HTTP/protobuf, delta temporality) counting `http.server.requests` by route
 * and API token. Token i (from 1) is active in proportion to 1/√i, routes by
 * their weights; all draws come from node:crypto.
 */
export class SyntheticApp {
  private readonly provider: MeterProvider;
  private readonly counter: Counter;
  private readonly tokens: readonly string[];
  private readonly pickToken: () => number;
  private readonly pickRoute: () => number;
  private timer: NodeJS.Timeout | undefined;
  private stopped: Promise<void> | undefined;
  private startedAt = 0;
  private owed = 0;
  private recordedCount = 0;

  constructor(private readonly options: SyntheticAppOptions) {
    const exporter = new OTLPMetricExporter({ url: options.endpoint, temporalityPreference: AggregationTemporalityPreference.DELTA });
    const exportIntervalMillis = options.exportIntervalMillis ?? 1000;
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis, exportTimeoutMillis: exportIntervalMillis });
    this.provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'otel-dp-demo-app' }), readers: [reader] });
    this.counter = this.provider.getMeter('otel-dp-demo').createCounter(options.metricName, { description: 'Requests served', unit: '{request}' });
    // Random, secret-looking token values: none of them may ever appear in the output.
    this.tokens = Array.from({ length: options.tokens }, () => `demo_${randomBytes(8).toString('hex')}`);
    this.pickToken = weightedPicker(this.tokens.map((_, index) => Math.round(1_000_000 / Math.sqrt(index + 1))));
    this.pickRoute = weightedPicker(DEMO_ROUTES.map((route) => route.weight));
  }

  /** Requests recorded so far. */
  get recorded(): number {
    return this.recordedCount;
  }

  start(): void {
    if (this.timer !== undefined || this.stopped !== undefined) return;
    this.startedAt = Date.now();
    this.timer = setInterval(() => this.tick(), TICK_MILLIS);
  }

  /** Stops the traffic and exports what was recorded since the last export. Idempotent. */
  stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopped ??= this.provider.shutdown();
    return this.stopped;
  }

  private tick(): void {
    if (Date.now() - this.startedAt >= this.options.durationMillis) {
      clearInterval(this.timer);
      return;
    }
    // Fractional requests carry over, so any rate is met on average.
    this.owed += (this.options.requestsPerSecond * TICK_MILLIS) / 1000;
    const count = Math.floor(this.owed);
    this.owed -= count;
    const { tokenAttribute } = this.options;
    for (let i = 0; i < count; i++) {
      const route = DEMO_ROUTES[this.pickRoute()];
      this.counter.add(1, { 'http.request.method': route.method, 'http.route': route.route, [tokenAttribute]: this.tokens[this.pickToken()] });
    }
    this.recordedCount += count;
  }
}

/** Draws index i with probability weights[i] / Σ weights (integer weights, exact draw). */
function weightedPicker(weights: readonly number[]): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (const weight of weights) {
    total += weight;
    cumulative.push(total);
  }
  return () => {
    const draw = randomInt(total);
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle] > draw) high = middle;
      else low = middle + 1;
    }
    return low;
  };
}
