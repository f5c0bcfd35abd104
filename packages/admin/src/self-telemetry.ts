import type { BatchObservableResult, Meter, ObservableCounter, ObservableGauge } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { silentLogger, type Lifecycle, type Logger } from '@otel-dp/pipeline';
import {
  DEFAULT_SELF_TELEMETRY_INTERVAL_MILLIS,
  MIN_SELF_TELEMETRY_INTERVAL_MILLIS,
  SELF_TELEMETRY_EXPORT_TIMEOUT_MILLIS,
  resolveSelfTelemetryEndpoint,
} from './config.js';
import { AdminConfigError, AdminStartError } from './errors.js';
import { LoggingMetricExporter } from './logging-metric-exporter.js';
import type { MetricSample, MetricSource } from './metric-sample.js';
import { SampleReader } from './sample-reader.js';

export interface SelfTelemetryOptions {
  /**
   * The OTLP/HTTP metrics URL, e.g.
   * `http://collector:4318/v1/metrics`; `/v1/metrics` is added when the URL
   * has no path. No user name or password in it.
   */
  endpoint: string;
  /** How often the sources are read and exported, in milliseconds. Default 60,000; at least 100. */
  intervalMillis?: number;
  /** Read on each collection, as on each scrape of the admin endpoint. */
  sources: readonly MetricSource[];
  /** HTTP headers sent with every export, e.g. an authorization header. Never logged. Default none. */
  headers?: Readonly<Record<string, string>>;
  /** Default: silent. */
  logger?: Logger;
}

/** The resource's `service.name`. */
export const SELF_TELEMETRY_SERVICE_NAME = 'otel-dp';
// OpenTelemetry instrument names: a letter, then letters, digits, _ . / -; at most 255 characters.
const INSTRUMENT_NAME = /^[a-zA-Z][a-zA-Z0-9_./-]{0,254}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

type Instrument = { type: MetricSample['type']; observable: ObservableCounter | ObservableGauge };

/**
 * Opt-in export of otel-dp's own counters (when an `endpoint` is given) with
 * the OpenTelemetry SDK: a MeterProvider whose resource says
 * `service.name=otel-dp`, a PeriodicExportingMetricReader and the OTLP/HTTP
 * JSON exporter. Counters become observable counters (cumulative), gauges
 * observable gauges, labels attributes; samples pass the same checks as on
 * `/metrics`. These counters are exact sums over all tokens, NOT privatized:
 * sending them next to the privatized data would undo its protection.
 *
 * A metric name first seen after start is exported from the collection
 * after the one that saw it.
 */
export class SelfTelemetry implements Lifecycle {
  readonly #endpoint: URL;
  readonly #intervalMillis: number;
  readonly #headers: Record<string, string>;
  readonly #logger: Logger;
  readonly #samples: SampleReader;
  readonly #instruments = new Map<string, Instrument>();
  readonly #skipped = new Set<string>();
  readonly #observe = (result: BatchObservableResult): void => this.#observeSamples(result);
  #registered: Array<ObservableCounter | ObservableGauge> = [];
  #provider: MeterProvider | undefined;
  #meter: Meter | undefined;
  #started: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;

  /** @throws {AdminConfigError} naming the option that is wrong. */
  constructor(options: SelfTelemetryOptions) {
    this.#endpoint = resolveSelfTelemetryEndpoint(options.endpoint);
    const interval = options.intervalMillis ?? DEFAULT_SELF_TELEMETRY_INTERVAL_MILLIS;
    if (!Number.isInteger(interval) || interval < MIN_SELF_TELEMETRY_INTERVAL_MILLIS) {
      throw new AdminConfigError('intervalMillis', `self-telemetry interval is ${String(interval)} ms, must be a whole number of at least ${MIN_SELF_TELEMETRY_INTERVAL_MILLIS}`);
    }
    this.#intervalMillis = interval;
    this.#headers = checkHeaders(options.headers ?? {});
    this.#logger = options.logger ?? silentLogger;
    this.#samples = new SampleReader(options.sources, this.#logger);
  }

  /** Where the exports go: the resolved URL. */
  get endpoint(): string {
    return this.#endpoint.href;
  }

  /**
   * Starts the periodic export and warns in the log that the counters leave
   * the process unprivatized. Later calls return the first call's promise.
   * @throws {AdminStartError} ADMIN_SHUT_DOWN after `shutdown()`.
   */
  start(): Promise<void> {
    if (this.#stopped !== undefined) {
      return Promise.reject(new AdminStartError('ADMIN_SHUT_DOWN', 'self-telemetry was shut down and cannot start again'));
    }
    this.#started ??= Promise.resolve().then(() => this.#start());
    return this.#started;
  }

  /** Reads the sources and exports now, outside the periodic schedule. */
  async flush(): Promise<void> {
    await this.#provider?.forceFlush();
  }

  /** Exports a last time (within the export timeout) and stops. Idempotent. */
  shutdown(): Promise<void> {
    this.#stopped ??= (async () => {
      await this.#started?.catch(() => undefined);
      await this.#provider?.shutdown();
    })();
    return this.#stopped;
  }

  #start(): void {
    const timeoutMillis = Math.min(SELF_TELEMETRY_EXPORT_TIMEOUT_MILLIS, this.#intervalMillis);
    const otlp = new OTLPMetricExporter({ url: this.#endpoint.href, headers: { ...this.#headers }, timeoutMillis });
    const exporter = new LoggingMetricExporter(otlp, this.#logger, this.#endpoint.href);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: this.#intervalMillis, exportTimeoutMillis: timeoutMillis });
    this.#provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': SELF_TELEMETRY_SERVICE_NAME }), readers: [reader] });
    this.#meter = this.#provider.getMeter('otel-dp');
    this.#logger.warn(
      'self-telemetry on: otel-dp sends its own counters, exact sums over all tokens and NOT privatized, to the self-telemetry endpoint',
      { endpoint: this.#endpoint.href, intervalMillis: this.#intervalMillis },
    );
    for (const sample of this.#samples.read()) this.#instrumentFor(sample);
    this.#register();
  }

  #observeSamples(result: BatchObservableResult): void {
    let created = false;
    for (const sample of this.#samples.read()) {
      const known = this.#instruments.get(sample.name);
      if (known === undefined) {
        created = this.#instrumentFor(sample) !== undefined || created;
      } else if (known.type !== sample.type) {
        this.#skipOnce(sample.name, `is a ${sample.type} now and was exported as a ${known.type}`);
      } else {
        result.observe(known.observable, sample.value, sample.labels ?? {});
      }
    }
    // The SDK is walking its list of callbacks right now; change it once the walk is over.
    if (created) queueMicrotask(() => this.#register());
  }

  #instrumentFor(sample: MetricSample): Instrument | undefined {
    if (this.#meter === undefined) return undefined;
    if (!INSTRUMENT_NAME.test(sample.name)) {
      this.#skipOnce(sample.name, 'is not a valid OpenTelemetry instrument name');
      return undefined;
    }
    const options = { description: sample.help };
    const observable =
      sample.type === 'counter' ? this.#meter.createObservableCounter(sample.name, options) : this.#meter.createObservableGauge(sample.name, options);
    const instrument = { type: sample.type, observable };
    this.#instruments.set(sample.name, instrument);
    return instrument;
  }

  /** One batch callback over every instrument created so far. */
  #register(): void {
    if (this.#meter === undefined || this.#stopped !== undefined) return;
    if (this.#registered.length > 0) this.#meter.removeBatchObservableCallback(this.#observe, this.#registered);
    this.#registered = [...this.#instruments.values()].map((instrument) => instrument.observable);
    if (this.#registered.length > 0) this.#meter.addBatchObservableCallback(this.#observe, this.#registered);
  }

  #skipOnce(name: string, reason: string): void {
    if (this.#skipped.has(name)) return;
    this.#skipped.add(name);
    this.#logger.warn(`self-telemetry leaves out ${name}: it ${reason}`, { metric: name });
  }
}

/** A copy of the headers once each name and value is usable; the message names the header, never its value. */
function checkHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  if (typeof headers !== 'object' || headers === null) throw new AdminConfigError('headers', 'self-telemetry headers must be an object of names and values');
  const copy: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new AdminConfigError('headers', 'a self-telemetry header name is not a valid HTTP header name');
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) throw new AdminConfigError('headers', `self-telemetry header ${name} has a value with a line break or NUL`);
    copy[name] = value;
  }
  return copy;
}
