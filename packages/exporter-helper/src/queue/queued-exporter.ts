import { setTimeout as sleep } from 'node:timers/promises';
import { countDataPoints } from '@otel-dp/otlp';
import { silentLogger, type BatchExporter, type ExportBatch, type Lifecycle, type Logger } from '@otel-dp/pipeline';
import { ExporterError } from '../errors.js';
import { BatchFileError, encodeBatchFile } from './batch-file.js';
import { BatchDirectory, queueIoError } from './batch-directory.js';
import { resolveQueueConfig, type QueuedExporterConfig, type ResolvedQueueConfig } from './queue-config.js';
import type { ExportQueueStats } from './queue-stats.js';
import { WaitingBatches, type QueueEntry } from './waiting-batches.js';

export interface QueuedExporterOptions {
  /** Drops (warn), failures (error), replay and shutdown (info). Default: silent. */
  logger?: Logger;
}

type State = 'created' | 'started' | 'stopping' | 'stopped';

/**
 * First wait before the queue tries again to write a batch kept in memory,
 * or to read a batch file it could not open; doubled after each failure up
 * to {@link DISK_RETRY_MAX_MILLIS}. A full descriptor table (EMFILE) or a
 * full disk clears within seconds to minutes.
 */
const DISK_RETRY_INITIAL_MILLIS = 250;
const DISK_RETRY_MAX_MILLIS = 30_000;
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
 * - A batch that cannot be written to `queueDir` (EMFILE, ENOSPC, EIO …) is
 *   still queued, kept in memory, and its file is written again with
 *   backoff until it succeeds or the batch is delivered: a released window
 *   is never dropped for want of a file. Only a crash before the write
 *   succeeds loses it. A batch file that cannot be opened for the same
 *   reasons is read again later, never skipped.
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
  /** Queued batches whose file is not on disk, in queue order. */
  private readonly unsaved = new Set<QueueEntry>();
  private unsavedRetry: NodeJS.Timeout | undefined;
  private unsavedRetryMillis = DISK_RETRY_INITIAL_MILLIS;
  private unsavedPass: Promise<boolean> | undefined;
  /** Ends the waits between attempts to read a batch file once shutdown stops the consumers. */
  private readonly stopWaits = new AbortController();
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
   * directory cannot be created, read or locked, and with EXPORT_SHUTDOWN
   * after `shutdown()`. Later calls return the first call's promise.
   */
  start(): Promise<void> {
    if (this.shutdownDone !== undefined) {
      return Promise.reject(new ExporterError('EXPORT_SHUTDOWN', `export queue ${this.config.name} was shut down and cannot start again`));
    }
    this.startDone ??= this.startOnce();
    return this.startDone;
  }

  /**
   * Queues the batch. Resolves once it is queued (fsynced when persistent,
   * or kept in memory with a warning when its file cannot be written);
   * delivery happens later. A memory queue accepts batches before start()
   * and sends them once started. Rejects with EXPORT_QUEUE_FULL,
   * EXPORT_PERMANENT (not encodable), EXPORT_NOT_STARTED (persistent queue
   * before start()) or EXPORT_SHUTDOWN.
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
   * and counted (memory). A start under way is waited for first. Later calls
   * return the first call's promise.
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
    const id = this.nextId++;
    let file: ReturnType<typeof encodeBatchFile>;
    try {
      file = encodeBatchFile(batch, id);
    } catch (error) {
      this.enqueueFailed(0, 'batch could not be encoded for the queue, dropped', { error: (error as Error).message });
      throw new ExporterError('EXPORT_PERMANENT', `batch could not be encoded for the queue: ${(error as Error).message}`, { cause: error });
    }
    const entry: QueueEntry = { id, dataPoints: file.dataPoints, batch };
    this.writesPending++;
    try {
      await this.write(store, id, file.bytes);
    } catch (error) {
      entry.unsaved = file.bytes;
      this.unsaved.add(entry);
      this.logger.warn('export queue: batch could not be written to disk, kept in memory; writing it again later', {
        exporter: this.config.name,
        dataPoints: file.dataPoints,
        error: queueIoError('write failed', error).message,
      });
      this.retryUnsavedLater();
    } finally {
      this.writesPending--;
    }
    this.waiting.push(entry);
  }

  /** Writes run one after another, so batches join the queue in arrival order. */
  private write(store: BatchDirectory, id: number, bytes: Buffer): Promise<void> {
    const written = this.writeChain.then(() => store.write(id, bytes));
    this.writeChain = written.catch(() => undefined);
    return written;
  }

  private retryUnsavedLater(): void {
    // Shutdown makes the last attempt itself.
    if (this.unsavedRetry !== undefined || this.state !== 'started') return;
    this.unsavedRetry = setTimeout(() => {
      this.unsavedRetry = undefined;
      void this.writeUnsaved().then((allWritten) => {
        if (allWritten) {
          this.unsavedRetryMillis = DISK_RETRY_INITIAL_MILLIS;
          return;
        }
        this.unsavedRetryMillis = Math.min(2 * this.unsavedRetryMillis, DISK_RETRY_MAX_MILLIS);
        this.retryUnsavedLater();
      });
    }, this.unsavedRetryMillis);
    this.unsavedRetry.unref();
  }

  /**
   * Writes the files of the batches kept in memory, oldest first; stops at
   * the first failure. True when none is left unsaved. A batch delivered
   * while its file was being written has its file deleted again.
   */
  private writeUnsaved(): Promise<boolean> {
    // One pass at a time: two could both write a file and then take it for a delivered batch's leftover.
    this.unsavedPass ??= this.writeUnsavedPass().finally(() => {
      this.unsavedPass = undefined;
    });
    return this.unsavedPass;
  }

  private async writeUnsavedPass(): Promise<boolean> {
    const store = this.store;
    if (store === undefined) return true;
    let written = 0;
    for (const entry of [...this.unsaved]) {
      const bytes = entry.unsaved;
      if (!this.unsaved.has(entry) || bytes === undefined) continue;
      try {
        await this.write(store, entry.id, bytes);
      } catch {
        return false;
      }
      written++;
      if (this.unsaved.delete(entry)) entry.unsaved = undefined;
      else await this.removeStored(entry.id);
    }
    if (written > 0) this.logger.info('export queue: batches kept in memory are written to disk', { exporter: this.config.name, batches: written });
    return this.unsaved.size === 0;
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
      await this.settle(entry);
      return;
    }
    this.counters.sentBatches++;
    this.counters.sentMetricPoints += entry.dataPoints;
    await this.settle(entry);
  }

  /** A batch is done with: delete its file, unless it never reached the disk (a write still under way deletes it itself). */
  private async settle(entry: QueueEntry): Promise<void> {
    if (this.unsaved.delete(entry)) return;
    await this.removeStored(entry.id);
  }

  /**
   * Reads a replayed batch. A damaged or vanished file is counted as failed
   * and skipped; any other failure (EMFILE, EIO …) is the system's, not the
   * file's, and the read is tried again with backoff. Undefined when skipped,
   * or when shutdown comes first (the file stays for the next start).
   */
  private async readStored(entry: QueueEntry): Promise<ExportBatch | undefined> {
    if (this.store === undefined) return undefined;
    for (let waitMillis = DISK_RETRY_INITIAL_MILLIS; ; waitMillis = Math.min(2 * waitMillis, DISK_RETRY_MAX_MILLIS)) {
      try {
        return (await this.store.read(entry.id)).batch;
      } catch (error) {
        if (error instanceof BatchFileError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
          this.sendFailed(entry, 'queued batch file could not be read, skipped', error);
          await this.removeStored(entry.id);
          return undefined;
        }
        this.logger.warn('export queue: queued batch file cannot be opened now, trying again', {
          exporter: this.config.name,
          error: queueIoError('read failed', error).message,
          retryInMillis: waitMillis,
        });
      }
      try {
        await sleep(waitMillis, undefined, { signal: this.stopWaits.signal });
      } catch {
        return undefined;
      }
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
    const starting = this.state === 'created' ? this.startDone : undefined;
    this.state = 'stopping';
    // A start under way finishes first, so what it opens (the wrapped exporter, the directory and its lock) is closed below.
    await starting?.catch(() => undefined);
    await this.writeChain;
    if (wasStarted) await this.waiting.idle(this.config.drainMillis);
    const left = this.waiting.close();
    this.stopWaits.abort();
    await this.exporter.shutdown?.();
    await Promise.all(this.consumers);
    clearTimeout(this.unsavedRetry);
    await this.writeUnsavedAtShutdown();
    this.releaseLeftovers(left);
    await this.store?.close().catch(() => undefined);
    this.state = 'stopped';
    this.logger.info('export queue stopped', { exporter: this.config.name, ...this.counters });
  }

  /** A last try for the batches kept in memory; those it cannot write are lost, and counted. */
  private async writeUnsavedAtShutdown(): Promise<void> {
    if (this.unsaved.size === 0 || (await this.writeUnsaved())) return;
    const lost = [...this.unsaved];
    this.unsaved.clear();
    const dataPoints = lost.reduce((sum, entry) => sum + entry.dataPoints, 0);
    this.counters.sendFailedBatches += lost.length;
    this.counters.sendFailedMetricPoints += dataPoints;
    this.logger.error('export queue: batches kept in memory could not be written to disk at shutdown and are lost', {
      exporter: this.config.name,
      batches: lost.length,
      dataPoints,
    });
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
