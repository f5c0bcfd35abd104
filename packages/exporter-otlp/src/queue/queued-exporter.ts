import { countDataPoints, silentLogger, type BatchExporter, type ExportBatch, type Lifecycle, type Logger } from '@otel-dp/otlp';
import { ExporterError } from '../errors.js';
import { encodeBatchFile } from './batch-file.js';
import { BatchDirectory, queueIoError } from './batch-directory.js';
import { resolveQueueConfig, type QueuedExporterConfig, type ResolvedQueueConfig } from './queue-config.js';
import type { ExportQueueStats } from './queue-stats.js';
import { WaitingBatches, type QueueEntry } from './waiting-batches.js';

export interface QueuedExporterOptions {
  /** Drops (warn), failures (error), replay and shutdown (info). Default: silent. */
  logger?: Logger;
}

type State = 'created' | 'started' | 'stopping' | 'stopped';
type Counters = Omit<ExportQueueStats, 'exporter' | 'queueSize' | 'queueCapacity' | 'inFlightBatches'>;

/**
 * A bounded queue in front of any exporter, as the collector's
 * `sending_queue`: `export()` resolves once the batch is queued (and, with
 * `queueDir`, fsynced to disk), so the processor never waits on a slow
 * backend; `numConsumers` loops hand batches to the wrapped exporter.
 *
 * - A full queue drops the new batch: `export()` rejects with
 *   EXPORT_QUEUE_FULL, the drop is logged at warn and counted.
 * - The queue does not retry: the wrapped exporter does (OtlpExporter and
 *   the remote-write exporter retry with backoff). A batch it rejects is
 *   logged at error, counted as failed and dropped.
 * - With `queueDir`, batches survive a crash: each is deleted only after the
 *   wrapped exporter accepted it, and replayed in order at the next start.
 *   Delivery is at least once across a crash (a crash between acceptance and
 *   deletion sends that batch again) and exactly once otherwise.
 *
 * The queue owns the wrapped exporter's lifecycle: start() and shutdown()
 * call its own.
 */
export class QueuedExporter implements BatchExporter, Lifecycle {
  private readonly config: ResolvedQueueConfig;
  private readonly logger: Logger;
  private readonly store: BatchDirectory | undefined;
  private readonly counters: Counters = {
    sentBatches: 0,
    sentMetricPoints: 0,
    sendFailedBatches: 0,
    sendFailedMetricPoints: 0,
    enqueueFailedBatches: 0,
    enqueueFailedMetricPoints: 0,
  };
  private readonly waiting = new WaitingBatches();
  private consumers: Array<Promise<void>> = [];
  private nextId = 1;
  private writesPending = 0;
  private writeChain: Promise<void> = Promise.resolve();
  private state: State = 'created';
  private startDone: Promise<void> | undefined;
  private shutdownDone: Promise<void> | undefined;

  /** Throws an ExporterError with code EXPORT_CONFIG_INVALID naming a bad field. */
  constructor(
    private readonly exporter: BatchExporter & Partial<Lifecycle>,
    config: QueuedExporterConfig,
    options: QueuedExporterOptions = {},
  ) {
    this.config = resolveQueueConfig(config);
    this.logger = options.logger ?? silentLogger;
    this.store = this.config.queueDir === undefined ? undefined : new BatchDirectory(this.config.queueDir, this.logger);
  }

  /**
   * Starts the wrapped exporter, replays batches left in `queueDir` (oldest
   * first), then the consumers. Rejects with EXPORT_QUEUE_IO when the
   * directory cannot be created, read or locked. Idempotent.
   */
  start(): Promise<void> {
    this.startDone ??= this.startOnce();
    return this.startDone;
  }

  /**
   * Queues the batch. Resolves once it is queued (fsynced when persistent);
   * delivery happens later. A memory queue accepts batches before start()
   * and sends them once started. Rejects with EXPORT_QUEUE_FULL, EXPORT_QUEUE_IO,
   * EXPORT_NOT_STARTED (persistent queue before start()) or EXPORT_SHUTDOWN.
   * The batch must not be changed afterwards.
   */
  async export(batch: ExportBatch): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') throw new ExporterError('EXPORT_SHUTDOWN', `export queue ${this.config.name} is shut down, batch refused`);
    if (this.store !== undefined && this.state !== 'started') {
      throw new ExporterError('EXPORT_NOT_STARTED', `export queue ${this.config.name} persists to disk and is not started yet, batch refused`);
    }
    if (this.waiting.size + this.writesPending >= this.config.queueSize) {
      const dataPoints = countDataPoints(batch.request);
      this.enqueueFailed(dataPoints, 'export queue is full, batch dropped', {});
      throw new ExporterError('EXPORT_QUEUE_FULL', `export queue ${this.config.name} is full (${this.config.queueSize} batches), batch of ${dataPoints} points dropped`);
    }
    if (this.store === undefined) {
      this.waiting.push({ id: this.nextId++, dataPoints: countDataPoints(batch.request), batch });
      return;
    }
    await this.persist(batch, this.store);
  }

  /**
   * Refuses new batches, lets the queue drain for up to `drainMillis`, then
   * shuts the wrapped exporter down (ending its retries) and waits for the
   * consumers. Batches still queued are kept on disk (persistent) or dropped
   * and counted (memory). Idempotent.
   */
  shutdown(): Promise<void> {
    this.shutdownDone ??= this.stop();
    return this.shutdownDone;
  }

  /** A snapshot of the counters, for the admin endpoint (see EXPORT_QUEUE_METRICS). */
  stats(): ExportQueueStats {
    return {
      exporter: this.config.name,
      ...this.counters,
      queueSize: this.waiting.size,
      queueCapacity: this.config.queueSize,
      inFlightBatches: this.waiting.inFlight,
    };
  }

  private async startOnce(): Promise<void> {
    await this.exporter.start?.();
    if (this.store !== undefined) {
      try {
        this.replay(await this.store.open());
      } catch (error) {
        await this.store.close().catch(() => undefined);
        await this.exporter.shutdown?.();
        throw error;
      }
    }
    if (this.state !== 'created') return; // shut down while starting
    this.state = 'started';
    this.consumers = Array.from({ length: this.config.numConsumers }, () => this.consume());
    this.logger.info('export queue started', { exporter: this.config.name, queueSize: this.config.queueSize, persistent: this.store !== undefined });
  }

  private replay(stored: ReadonlyArray<{ id: number; dataPoints: number }>): void {
    let dropped = 0;
    for (const { id, dataPoints } of stored) {
      this.nextId = Math.max(this.nextId, id + 1);
      if (this.waiting.size < this.config.queueSize) {
        this.waiting.push({ id, dataPoints, batch: undefined });
        continue;
      }
      dropped++;
      this.counters.enqueueFailedBatches++;
      this.counters.enqueueFailedMetricPoints += dataPoints;
      void this.removeStored(id);
    }
    if (stored.length > 0) this.logger.info('export queue: replaying batches from disk', { exporter: this.config.name, batches: this.waiting.size });
    if (dropped > 0) this.logger.warn('export queue: more batches on disk than queueSize, newest dropped', { exporter: this.config.name, dropped });
  }

  private async persist(batch: ExportBatch, store: BatchDirectory): Promise<void> {
    let file: ReturnType<typeof encodeBatchFile>;
    try {
      file = encodeBatchFile(batch);
    } catch (error) {
      this.enqueueFailed(0, 'batch could not be encoded for the queue, dropped', { error: (error as Error).message });
      throw new ExporterError('EXPORT_PERMANENT', `batch could not be encoded for the queue: ${(error as Error).message}`, { cause: error });
    }
    const id = this.nextId++;
    this.writesPending++;
    // Writes run one after another, so batches join the queue in arrival order.
    const written = this.writeChain.then(() => store.write(id, file.bytes));
    this.writeChain = written.catch(() => undefined);
    try {
      await written;
    } catch (error) {
      this.writesPending--;
      const failure = queueIoError(`batch could not be written to the queue directory`, error);
      this.enqueueFailed(file.dataPoints, 'batch could not be persisted, dropped', { error: failure.message });
      void this.removeStored(id);
      throw failure;
    }
    this.writesPending--;
    this.waiting.push({ id, dataPoints: file.dataPoints, batch });
  }

  private enqueueFailed(dataPoints: number, message: string, fields: Record<string, unknown>): void {
    this.counters.enqueueFailedBatches++;
    this.counters.enqueueFailedMetricPoints += dataPoints;
    this.logger.warn(message, { exporter: this.config.name, dataPoints, queueSize: this.config.queueSize, ...fields });
  }

  private async consume(): Promise<void> {
    for (;;) {
      const entry = await this.waiting.take();
      if (entry === undefined) return;
      try {
        await this.deliver(entry);
      } finally {
        this.waiting.done();
      }
    }
  }

  private async deliver(entry: QueueEntry): Promise<void> {
    const batch = entry.batch ?? (await this.readStored(entry));
    if (batch === undefined) return;
    try {
      await this.exporter.export(batch);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EXPORT_SHUTDOWN' && this.store !== undefined) {
        this.logger.info('export queue: batch kept on disk for the next start', { exporter: this.config.name });
        return;
      }
      this.sendFailed(entry, code === 'EXPORT_SHUTDOWN' ? 'batch dropped at shutdown' : 'export failed, batch dropped', error);
      await this.removeStored(entry.id);
      return;
    }
    this.counters.sentBatches++;
    this.counters.sentMetricPoints += entry.dataPoints;
    await this.removeStored(entry.id);
  }

  private async readStored(entry: QueueEntry): Promise<ExportBatch | undefined> {
    if (this.store === undefined) return undefined;
    try {
      return (await this.store.read(entry.id)).batch;
    } catch (error) {
      this.sendFailed(entry, 'queued batch file could not be read, skipped', error);
      await this.removeStored(entry.id);
      return undefined;
    }
  }

  private sendFailed(entry: QueueEntry, message: string, error: unknown): void {
    this.counters.sendFailedBatches++;
    this.counters.sendFailedMetricPoints += entry.dataPoints;
    this.logger.error(message, { exporter: this.config.name, dataPoints: entry.dataPoints, code: errorCode(error), error: (error as Error)?.message ?? String(error) });
  }

  /** Acknowledges a batch on disk. A failed delete is only logged: the batch is sent again after a restart. */
  private async removeStored(id: number): Promise<void> {
    if (this.store === undefined) return;
    try {
      await this.store.remove(id);
    } catch (error) {
      this.logger.warn('export queue: could not delete a finished batch file; it will be sent again after a restart', {
        exporter: this.config.name,
        error: queueIoError('delete failed', error).message,
      });
    }
  }

  private async stop(): Promise<void> {
    const wasStarted = this.state === 'started';
    this.state = 'stopping';
    await this.writeChain;
    if (wasStarted) await this.waiting.idle(this.config.drainMillis);
    const left = this.waiting.close();
    await this.exporter.shutdown?.();
    await Promise.all(this.consumers);
    this.releaseLeftovers(left);
    await this.store?.close().catch(() => undefined);
    this.state = 'stopped';
    this.logger.info('export queue stopped', { exporter: this.config.name, ...this.counters });
  }

  private releaseLeftovers(left: QueueEntry[]): void {
    if (left.length === 0) return;
    if (this.store !== undefined) {
      this.logger.info('export queue: batches kept on disk for the next start', { exporter: this.config.name, batches: left.length });
      return;
    }
    const dataPoints = left.reduce((sum, entry) => sum + entry.dataPoints, 0);
    this.counters.sendFailedBatches += left.length;
    this.counters.sendFailedMetricPoints += dataPoints;
    this.logger.warn('export queue: batches still queued at shutdown were dropped', { exporter: this.config.name, batches: left.length, dataPoints });
  }
}

function errorCode(error: unknown): string {
  return error instanceof Error && 'code' in error ? String((error as { code: unknown }).code) : 'UNKNOWN';
}
