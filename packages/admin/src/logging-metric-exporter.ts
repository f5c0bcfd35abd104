import type { Logger } from '@otel-dp/pipeline';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';

type ExportResult = Parameters<Parameters<PushMetricExporter['export']>[1]>[0];

/** `ExportResultCode.SUCCESS` of @opentelemetry/core, which the SDK reports results with. */
const EXPORT_SUCCESS = 0;

/**
 * Passes exports through to another exporter and logs the failures through
 * our logger, where the SDK would report them to its global diagnostics
 * (silent unless a process-wide logger is installed). A run of failures logs
 * its first at warn and the rest at debug; the next success logs at info.
 */
export class LoggingMetricExporter implements PushMetricExporter {
  readonly #inner: PushMetricExporter;
  readonly #logger: Logger;
  readonly #destination: string;
  #failing = false;

  /** `destination` names where the exports go, for the log; it must hold no credential. */
  constructor(inner: PushMetricExporter, logger: Logger, destination: string) {
    this.#inner = inner;
    this.#logger = logger;
    this.#destination = destination;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.#inner.export(metrics, (result) => {
      if (result.code === EXPORT_SUCCESS) {
        if (this.#failing) this.#logger.info('self-telemetry export works again', { endpoint: this.#destination });
        this.#failing = false;
      } else {
        const fields = { endpoint: this.#destination, error: result.error?.message ?? 'unknown error' };
        if (this.#failing) this.#logger.debug('self-telemetry export failed again', fields);
        else this.#logger.warn('self-telemetry export failed; the counters are still served on the admin endpoint', fields);
        this.#failing = true;
      }
      resultCallback(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }
}
