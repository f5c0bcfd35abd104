import { silentLogger, type BatchExporter, type ExportBatch, type Lifecycle, type Logger } from '@otel-dp/pipeline';
import { ExporterError } from '@otel-dp/exporter-helper';

export interface FanOutExporterOptions {
  /** Start and shutdown failures of a child (error). Default: silent. */
  logger?: Logger;
}

/**
 * Hands each batch to every child, for several backends at once. Give each
 * child its own {@link QueuedExporter}: the children's `export()` then
 * resolve as soon as the batch is queued, so a slow or unreachable backend
 * never holds up another.
 *
 * Children receive the same batch object and must not change it (exporters
 * only encode it). The fan-out owns the children's lifecycles.
 */
export class FanOutExporter implements BatchExporter, Lifecycle {
  private readonly children: ReadonlyArray<BatchExporter & Partial<Lifecycle>>;
  private readonly logger: Logger;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  /** Throws EXPORT_CONFIG_INVALID when `children` is empty. */
  constructor(children: ReadonlyArray<BatchExporter & Partial<Lifecycle>>, options: FanOutExporterOptions = {}) {
    if (children.length === 0) throw new ExporterError('EXPORT_CONFIG_INVALID', 'children is empty, give at least one exporter');
    this.children = [...children];
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Starts every child; if one fails, those started are shut down again and
   * the error is rethrown. Later calls return the first call's promise; after
   * `shutdown()` it rejects with EXPORT_SHUTDOWN and starts no child.
   */
  start(): Promise<void> {
    if (this.stopping !== undefined) {
      return Promise.reject(new ExporterError('EXPORT_SHUTDOWN', 'fan-out exporter was shut down and cannot start again'));
    }
    this.starting ??= this.startChildren();
    return this.starting;
  }

  private async startChildren(): Promise<void> {
    const results = await Promise.allSettled(this.children.map((child) => child.start?.()));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure === undefined) return;
    await this.shutdownChildren();
    throw failure.reason;
  }

  /**
   * Resolves when every child took the batch. When some refused it (a full
   * queue), the others still have it, and this rejects with the first
   * child's error, its message prefixed with how many of the children
   * failed.
   */
  async export(batch: ExportBatch): Promise<void> {
    const results = await Promise.allSettled(this.children.map((child) => child.export(batch)));
    const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failures.length === 0) return;
    const first = failures[0].reason as unknown;
    if (this.children.length === 1) throw first;
    const code = first instanceof ExporterError ? first.code : 'EXPORT_PERMANENT';
    const message = first instanceof Error ? first.message : String(first);
    throw new ExporterError(code, `${failures.length} of ${this.children.length} exporters refused the batch: ${message}`, { cause: first });
  }

  /**
   * Shuts every child down at the same time, so their drain deadlines
   * overlap; a start under way is waited for first. Never rejects: failures
   * are logged. Later calls return the first call's promise.
   */
  shutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    await this.shutdownChildren();
  }

  private async shutdownChildren(): Promise<void> {
    const results = await Promise.allSettled(this.children.map((child) => child.shutdown?.()));
    results.forEach((result, index) => {
      if (result.status === 'rejected') {
        this.logger.error('exporter shutdown failed', { child: index, error: (result.reason as Error)?.message ?? String(result.reason) });
      }
    });
  }
}
