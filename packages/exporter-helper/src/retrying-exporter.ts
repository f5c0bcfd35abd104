import { setMaxListeners } from 'node:events';
import { countDataPoints } from '@otel-dp/otlp';
import { finishesWithin, silentLogger, type BatchExporter, type ExportBatch, type Lifecycle, type Logger } from '@otel-dp/pipeline';
import { cryptoUniform, type UniformSource } from './backoff.js';
import { DEFAULT_SHUTDOWN_TIMEOUT_MILLIS, type RetryConfig } from './retry-config.js';
import { ExporterError } from './errors.js';
import { sendWithRetry } from './retry-loop.js';
import type { ExportTransport } from './transport.js';

/** What a {@link RetryingExporter} needs besides its transport. */
export interface RetryingExporterSettings {
  /** Names the exporter in its start and stop log lines, e.g. `OTLP exporter`. */
  label: string;
  /** Fields of the start log line: the destination without credentials, never a header value. */
  describe: Record<string, unknown>;
  retry: RetryConfig;
  /** Limit per attempt, in milliseconds. 0 means no limit (shutdown still aborts). */
  timeoutMillis: number;
  /** Default: silent. */
  logger?: Logger;
  /** Uniform draws in [0, 1) for backoff jitter. Default: node:crypto. */
  random?: UniformSource;
  /** How long `shutdown()` lets attempts on the wire finish, in milliseconds. Default 5000; 0 aborts them at once. */
  shutdownTimeoutMillis?: number;
}

type State = 'created' | 'started' | 'stopping' | 'stopped';

/**
 * The lifecycle every network exporter shares: each batch is encoded once by
 * the transport, then sent with retries (exponential backoff with jitter, as
 * the collector's exporterhelper does); shutdown stops retrying at once and
 * aborts attempts still on the wire after a deadline. This is the one place
 * that retries: a queue in front of it never resends what it handed over.
 *
 * Batches are independent: several exports may be in flight at once.
 */
export class RetryingExporter implements BatchExporter, Lifecycle {
  private readonly settings: RetryingExporterSettings;
  private readonly logger: Logger;
  private readonly random: UniformSource;
  private readonly shutdownTimeoutMillis: number;
  private readonly stopRetrying = new AbortController();
  private readonly abortInFlight = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private state: State = 'created';
  private shutdownDone: Promise<void> | undefined;

  constructor(
    private readonly transport: ExportTransport,
    settings: RetryingExporterSettings,
  ) {
    const deadline = settings.shutdownTimeoutMillis ?? DEFAULT_SHUTDOWN_TIMEOUT_MILLIS;
    if (!Number.isFinite(deadline) || deadline < 0) {
      throw new ExporterError('EXPORT_CONFIG_INVALID', `shutdownTimeoutMillis is ${deadline}, must be zero or positive`);
    }
    this.settings = { ...settings, retry: { ...settings.retry } };
    this.logger = settings.logger ?? silentLogger;
    this.random = settings.random ?? cryptoUniform;
    this.shutdownTimeoutMillis = deadline;
    // Every export in flight listens on both signals and removes its listener
    // when done; many concurrent exports are normal, not a leak.
    setMaxListeners(0, this.stopRetrying.signal, this.abortInFlight.signal);
  }

  /**
   * Logs the destination. Exports also work before start(). Idempotent; after
   * `shutdown()` it rejects with EXPORT_SHUTDOWN.
   */
  async start(): Promise<void> {
    if (this.shutdownDone !== undefined) throw new ExporterError('EXPORT_SHUTDOWN', `${this.settings.label} was shut down and cannot start again`);
    if (this.state !== 'created') return;
    this.state = 'started';
    this.logger.info(`${this.settings.label} started`, this.settings.describe);
  }

  /**
   * Resolves once the backend accepted the request (a partial acceptance is
   * logged as a warning and not retried). Rejects with an ExporterError:
   * EXPORT_PERMANENT, EXPORT_RETRIES_EXHAUSTED or EXPORT_SHUTDOWN. The batch
   * is not read after the first attempt starts.
   *
   * A request without data points resolves at once and nothing is sent. The
   * processor hands over such a request, with its summary, for a window
   * whose new series were all held back by partition selection: a request
   * reaching the backend then would tell it, exactly, that some token sent
   * data that window.
   */
  export(batch: ExportBatch): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') {
      return Promise.reject(new ExporterError('EXPORT_SHUTDOWN', 'exporter is shut down, export refused'));
    }
    if (countDataPoints(batch.request) === 0) return Promise.resolve();
    const work = this.send(batch);
    this.inFlight.add(work);
    const forget = (): void => {
      this.inFlight.delete(work);
    };
    work.then(forget, forget);
    return work;
  }

  /**
   * Stops retrying at once (exports waiting for their next attempt reject
   * with EXPORT_SHUTDOWN), lets attempts already on the wire finish for up
   * to `shutdownTimeoutMillis`, then aborts them and closes connections.
   * Idempotent; later calls return the same promise.
   */
  shutdown(): Promise<void> {
    this.shutdownDone ??= this.drainAndClose();
    return this.shutdownDone;
  }

  private async send(batch: ExportBatch): Promise<void> {
    let prepared: Buffer;
    try {
      prepared = await this.transport.prepare(batch.request);
    } catch (error) {
      throw new ExporterError('EXPORT_PERMANENT', `request could not be encoded: ${(error as Error).message}`, { cause: error });
    }
    await sendWithRetry((context) => this.transport.send(prepared, context), {
      retry: this.settings.retry,
      random: this.random,
      timeoutMillis: this.settings.timeoutMillis,
      stopRetrying: this.stopRetrying.signal,
      abortInFlight: this.abortInFlight.signal,
      logger: this.logger,
    });
  }

  private async drainAndClose(): Promise<void> {
    this.state = 'stopping';
    this.stopRetrying.abort();
    const drained = Promise.allSettled([...this.inFlight]);
    if (!(await finishesWithin(drained, this.shutdownTimeoutMillis))) {
      this.logger.warn('shutdown deadline reached, aborting in-flight exports', { inFlight: this.inFlight.size });
      this.abortInFlight.abort();
      await drained;
    }
    this.transport.close();
    this.state = 'stopped';
    this.logger.info(`${this.settings.label} stopped`, { endpoint: this.settings.describe.endpoint });
  }
}
