import { randomBytes } from 'node:crypto';
import type { Attributes, Counter } from '@opentelemetry/api';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { AggregationTemporalityPreference, OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
  type InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';

export type SdkProtocol = 'http/json' | 'http/protobuf' | 'grpc';

export const REQUESTS_METRIC = 'http.server.requests';
export const ROUTE_ATTRIBUTE = 'http.route';
export const TOKEN_ATTRIBUTE = 'api.token';
export const JOBS_METRIC = 'jobs.processed';
export const QUEUE_ATTRIBUTE = 'queue';

export interface SdkAppOptions {
  protocol: SdkProtocol;
  /** Where the exporter sends: `http://host:port/v1/metrics` for HTTP, `http://host:port` for gRPC. */
  url: string;
  /** Default `none`, as in the SDK. */
  compression?: 'gzip' | 'none';
  /** Default `cumulative`, as in the SDK. */
  temporality?: 'cumulative' | 'delta';
  /** `service.name` of the resource. Default `e2e-shop`. */
  serviceName?: string;
  /** The SDK's per-instrument series limit (its default is 2000). */
  maxSeriesPerInstrument?: number;
}

/** The exporters' compression option is a string enum of a package the test does not depend on. */
type SdkCompression = NonNullable<NonNullable<ConstructorParameters<typeof JsonMetricExporter>[0]>['compression']>;

type ExportResult = Parameters<Parameters<PushMetricExporter['export']>[1]>[0];
/** ExportResultCode.SUCCESS of @opentelemetry/core. */
const EXPORT_SUCCESS = 0;

/**
 * Passes everything to the real exporter and keeps each export's result:
 * the SDK's forceFlush resolves even when the export failed (it only logs),
 * and a test must not mistake that for delivery.
 */
class ResultRecordingExporter implements PushMetricExporter {
  readonly results: ExportResult[] = [];

  constructor(private readonly inner: PushMetricExporter) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.inner.export(metrics, (result) => {
      this.results.push(result);
      resultCallback(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return this.inner.selectAggregationTemporality?.(instrumentType) ?? AggregationTemporality.CUMULATIVE;
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/**
 * An application instrumented with the real OpenTelemetry JS SDK: a
 * MeterProvider whose PeriodicExportingMetricReader exports only when
 * {@link SdkApp.flush} is called (the interval is an hour), through the real
 * OTLP exporter for `protocol`.
 */
export class SdkApp {
  private readonly provider: MeterProvider;
  private readonly exporter: ResultRecordingExporter;
  private readonly counters = new Map<string, Counter>();

  constructor(options: SdkAppOptions) {
    const exporter = new ResultRecordingExporter(createExporter(options));
    this.exporter = exporter;
    const reader = new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: 3_600_000,
      exportTimeoutMillis: 10_000,
      cardinalityLimits: { default: options.maxSeriesPerInstrument ?? 2000 },
    });
    this.provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'e2e-shop' }),
      readers: [reader],
    });
  }

  /** Adds `value` to the monotonic counter `metric` with these attributes. */
  add(metric: string, value: number, attributes: Attributes): void {
    let counter = this.counters.get(metric);
    if (counter === undefined) {
      counter = this.provider.getMeter('e2e-app', '1.0.0').createCounter(metric);
      this.counters.set(metric, counter);
    }
    counter.add(value, attributes);
  }

  /** Collects and exports now; rejects when an export failed. */
  async flush(): Promise<void> {
    const before = this.exporter.results.length;
    await this.provider.forceFlush();
    const failed = this.exporter.results.slice(before).find((result) => result.code !== EXPORT_SUCCESS);
    if (failed !== undefined) throw new Error(`the SDK's export failed: ${String(failed.error)}`, { cause: failed.error });
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}

function createExporter(options: SdkAppOptions): PushMetricExporter {
  const common = {
    url: options.url,
    compression: (options.compression ?? 'none') as SdkCompression,
    timeoutMillis: 10_000,
    temporalityPreference:
      options.temporality === 'delta' ? AggregationTemporalityPreference.DELTA : AggregationTemporalityPreference.CUMULATIVE,
  };
  switch (options.protocol) {
    case 'http/json':
      return new JsonMetricExporter(common);
    case 'http/protobuf':
      return new ProtoMetricExporter(common);
    case 'grpc':
      return new GrpcMetricExporter(common);
  }
}

/** Distinctive token values (`tok-` and 24 hex digits from node:crypto), easy to search for in bytes. */
export function makeTokens(count: number): string[] {
  return Array.from({ length: count }, () => `tok-${randomBytes(12).toString('hex')}`);
}

export interface RequestWorkload {
  tokens: readonly string[];
  routes: readonly string[];
  /** Rounds of recording, each followed by an export. */
  phases: number;
}

/**
 * How many requests token `t` makes on route `r` in phase `p`: between 1 and
 * 9, fixed by the indices so every run records the same workload.
 */
export function scheduledCount(t: number, r: number, p: number): number {
  return 1 + ((t * 7 + r * 3 + p * 5) % 9);
}

/**
 * Records the workload on `http.server.requests` (every token calls every
 * route, so each route has as many tokens as the workload), exporting after
 * each phase. Returns the true total per route.
 */
export async function recordRequestWorkload(app: SdkApp, workload: RequestWorkload): Promise<Map<string, number>> {
  const truth = new Map<string, number>(workload.routes.map((route) => [route, 0]));
  for (let p = 0; p < workload.phases; p++) {
    workload.tokens.forEach((token, t) => {
      workload.routes.forEach((route, r) => {
        const count = scheduledCount(t, r, p);
        app.add(REQUESTS_METRIC, count, { [ROUTE_ATTRIBUTE]: route, [TOKEN_ATTRIBUTE]: token });
        truth.set(route, (truth.get(route) ?? 0) + count);
      });
    });
    await app.flush();
  }
  return truth;
}

/** Records `jobs.processed` per queue with no token anywhere, exports, and returns the truth. */
export async function recordUntokenedJobs(app: SdkApp, perQueue: Readonly<Record<string, number>>): Promise<Map<string, number>> {
  for (const [queue, count] of Object.entries(perQueue)) app.add(JOBS_METRIC, count, { [QUEUE_ATTRIBUTE]: queue });
  await app.flush();
  return new Map(Object.entries(perQueue));
}
