import { ExporterError } from '../errors.js';

/**
 * Batches the queue holds, waiting to be sent: the collector's
 * `sending_queue.queue_size` default. With one release per window this is
 * 1000 windows (16 h of one-minute windows) of backend outage.
 */
export const DEFAULT_QUEUE_SIZE = 1000;

/**
 * Consumers sending batches. The collector defaults to 10; we send one at a
 * time because a DP release is one batch per window and cumulative series
 * must reach the backend in window order (Prometheus refuses out-of-order
 * samples), and one window per minute needs no parallelism.
 */
export const DEFAULT_NUM_CONSUMERS = 1;

/** How long `shutdown()` waits for the queue to empty before stopping the exporter it wraps, in milliseconds. */
export const DEFAULT_QUEUE_DRAIN_MILLIS = 5_000;

export interface QueuedExporterConfig {
  /**
   * Names this exporter in logs and as the `exporter` label of its counters,
   * e.g. `otlp`, `prometheus-remote-write`. Must not be empty.
   */
  name: string;
  /** Batches waiting to be sent, at most. Default 1000. At least 1. A full queue drops the new batch. */
  queueSize?: number;
  /** Batches sent at once. Default 1 (keeps windows in order). At least 1. */
  numConsumers?: number;
  /**
   * Directory that persists queued batches (one file each, fsynced before
   * `export()` resolves) so they survive a crash or restart. Default: none,
   * the queue lives in memory only. One queue per directory.
   */
  queueDir?: string;
  /**
   * How long `shutdown()` lets the queue drain before it stops the wrapped
   * exporter (whose retries then end), in milliseconds. Default 5000. 0 stops
   * at once. Batches still queued are then lost (memory) or kept on disk.
   */
  drainMillis?: number;
}

/** A configuration with every default filled in. */
export type ResolvedQueueConfig = Required<Omit<QueuedExporterConfig, 'queueDir'>> & { queueDir: string | undefined };

/**
 * Fills the defaults and checks every field; throws an ExporterError with
 * code EXPORT_CONFIG_INVALID naming the field.
 */
export function resolveQueueConfig(config: QueuedExporterConfig): ResolvedQueueConfig {
  if (typeof config.name !== 'string' || config.name.trim() === '') invalid('name is empty, must name the exporter (e.g. otlp)');
  const queueSize = config.queueSize ?? DEFAULT_QUEUE_SIZE;
  const numConsumers = config.numConsumers ?? DEFAULT_NUM_CONSUMERS;
  const drainMillis = config.drainMillis ?? DEFAULT_QUEUE_DRAIN_MILLIS;
  if (!Number.isSafeInteger(queueSize) || queueSize < 1) invalid(`queueSize is ${queueSize}, must be a whole number of at least 1`);
  if (!Number.isSafeInteger(numConsumers) || numConsumers < 1) invalid(`numConsumers is ${numConsumers}, must be a whole number of at least 1`);
  if (!Number.isFinite(drainMillis) || drainMillis < 0) invalid(`drainMillis is ${drainMillis}, must be zero or positive`);
  if (config.queueDir !== undefined && config.queueDir.trim() === '') invalid('queueDir is empty, give a directory or leave it unset');
  return { name: config.name, queueSize, numConsumers, drainMillis, queueDir: config.queueDir };
}

function invalid(message: string): never {
  throw new ExporterError('EXPORT_CONFIG_INVALID', message);
}
