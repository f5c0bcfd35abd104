import { setMaxListeners } from 'node:events';
import { silentLogger, type BatchExporter, type ExportBatch, type Lifecycle, type Logger } from '@otel-dp/otlp';
import { cryptoUniform, type UniformSource } from './backoff.js';
import { DEFAULT_SHUTDOWN_DEADLINE_MILLIS, validateOtlpExporterConfig, type OtlpExporterConfig } from './config.js';
import { ExporterError } from './errors.js';
import { GrpcTransport } from './grpc-transport.js';
import { HttpTransport } from './http-transport.js';
import { sendWithRetry } from './retry-loop.js';
import type { ExportTransport } from './transport.js';

export interface OtlpExporterOptions {
  /** Receives start/stop at info, partial successes at warn, retries at debug. Default: silent. */
  logger?: Logger;
  /** Uniform draws in [0, 1) for backoff jitter. Default: node:crypto. */
  random?: UniformSource;
  /**
   * How long `shutdown()` lets in-flight attempts finish before aborting
   * them, in milliseconds. Default 5000. 0 aborts them at once.
   */
  shutdownDeadlineMillis?: number;
}

type State = 'created' | 'started' | 'stopping' | 'stopped';

/**
 * Sends each batch's OTLP request to a backend over gRPC or HTTP (protobuf
 * or JSON), retrying transient failures with exponential backoff and jitter
 * as the OpenTelemetry Collector's exporterhelper does.
 *
 * Batches are independent: several exports may be in flight at once. The
 * constructor validates the configuration and throws an ExporterError with
 * code EXPORT_CONFIG_INVALID naming the bad field.
 */
export class OtlpExporter implements BatchExporter, Lifecycle {
  private readonly config: OtlpExporterConfig;
  private readonly transport: ExportTransport;
  private readonly logger: Logger;
  private readonly random: UniformSource;
  private readonly shutdownDeadlineMillis: number;
  private readonly logEndpoint: string;
  private readonly stopRetrying = new AbortController();
  private readonly abortInFlight = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private state: State = 'created';
  private shutdownDone: Promise<void> | undefined;

  constructor(config: OtlpExporterConfig, options: OtlpExporterOptions = {}) {
    const url = validateOtlpExporterConfig(config);
    const deadline = options.shutdownDeadlineMillis ?? DEFAULT_SHUTDOWN_DEADLINE_MILLIS;
    if (!Number.isFinite(deadline) || deadline < 0) {
      throw new ExporterError('EXPORT_CONFIG_INVALID', `shutdownDeadlineMillis is ${deadline}, must be zero or positive`);
    }
    this.config = { ...config, headers: { ...config.headers }, retry: { ...config.retry } };
    this.transport = config.protocol === 'grpc' ? new GrpcTransport(url, this.config) : new HttpTransport(url, this.config);
    this.logger = options.logger ?? silentLogger;
    this.random = options.random ?? cryptoUniform;
    this.shutdownDeadlineMillis = deadline;
    // Every export in flight listens on both signals and removes its listener
    // when done; many concurrent exports are normal, not a leak.
    setMaxListeners(0, this.stopRetrying.signal, this.abortInFlight.signal);
    // Credentials may sit in the userinfo or the query string; logs get neither.
    this.logEndpoint = `${url.origin}${url.pathname}`;
  }

  /** Logs the destination. Exports also work before start(). Idempotent. */
  async start(): Promise<void> {
    if (this.state !== 'created') return;
    this.state = 'started';
    this.logger.info('OTLP exporter started', {
      endpoint: this.logEndpoint,
      protocol: this.config.protocol,
      compression: this.config.compression,
      headers: Object.keys(this.config.headers),
    });
  }

  /**
   * Resolves once the backend accepted the request (a partial_success with
   * rejected points is logged as a warning and not retried). Rejects with an
   * ExporterError: EXPORT_PERMANENT, EXPORT_RETRIES_EXHAUSTED or
   * EXPORT_SHUTDOWN. The batch is not read after the first attempt starts.
   */
  export(batch: ExportBatch): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') {
      return Promise.reject(new ExporterError('EXPORT_SHUTDOWN', 'exporter is shut down, export refused'));
    }
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
   * to `shutdownDeadlineMillis`, then aborts them and closes connections.
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
      retry: this.config.retry,
      random: this.random,
      timeoutMillis: this.config.timeoutMillis,
      stopRetrying: this.stopRetrying.signal,
      abortInFlight: this.abortInFlight.signal,
      logger: this.logger,
    });
  }

  private async drainAndClose(): Promise<void> {
    this.state = 'stopping';
    this.stopRetrying.abort();
    const drained = Promise.allSettled([...this.inFlight]);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), this.shutdownDeadlineMillis);
    });
    const outcome = await Promise.race([drained, deadline]);
    clearTimeout(timer);
    if (outcome === 'deadline') {
      this.logger.warn('shutdown deadline reached, aborting in-flight exports', { inFlight: this.inFlight.size });
      this.abortInFlight.abort();
      await drained;
    }
    this.transport.close();
    this.state = 'stopped';
    this.logger.info('OTLP exporter stopped', { endpoint: this.logEndpoint });
  }
}
