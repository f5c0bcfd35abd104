import { DebugExporter, OtlpExporter } from '@otel-dp/exporter-otlp';
import type { BatchExporter, Lifecycle, Logger, MetricsConsumer } from '@otel-dp/otlp';
import { DpProcessor } from '@otel-dp/processor-dp';
import { OtlpReceiver, formatListenAddress, type ListenAddress } from '@otel-dp/receiver-otlp';
import type { RunConfig } from './config.js';
import { describeEndpoint } from './exporter-config.js';

/** How long SIGTERM or SIGINT may take to drain everything before the process gives up. */
export const SHUTDOWN_DEADLINE_MILLIS = 10_000;

// Each component's share of the deadline, spent one after the other: requests
// in flight, then the last window's export, then what the exporter still
// holds. Together they stay below SHUTDOWN_DEADLINE_MILLIS.
const RECEIVER_DRAIN_MILLIS = 2_000;
const PROCESSOR_DRAIN_MILLIS = 4_000;
const EXPORTER_DRAIN_MILLIS = 3_000;

export interface SidecarOptions {
  logger: Logger;
  /** Where the debug exporter prints. Default: process.stdout. */
  writeStdout?: (text: string) => void;
  /** Takes the place of the configured exporter (the demo prints releases itself). */
  exporter?: BatchExporter & Partial<Lifecycle>;
  /** Wraps the processor's input, e.g. to observe what it receives. */
  wrapConsumer?: (processor: MetricsConsumer) => MetricsConsumer;
}

/** A started pipeline: receiver → DP processor → exporter. */
export interface RunningSidecar {
  /** The bound OTLP/HTTP address (port 0 resolved); undefined when off. */
  readonly httpAddress: ListenAddress | undefined;
  /** The bound OTLP/gRPC address (port 0 resolved); undefined when off. */
  readonly grpcAddress: ListenAddress | undefined;
  /**
   * Stops receiving, releases the open window, then drains the exporter.
   * Idempotent; never rejects (failures are logged).
   */
  shutdown(): Promise<void>;
}

/**
 * Starts the pipeline back to front, so that nothing is received before it
 * can be processed: exporter, processor (its window timer), then the
 * receiver's listeners. If a step fails, what started is shut down again and
 * the error is rethrown.
 */
export async function startSidecar(config: RunConfig, options: SidecarOptions): Promise<RunningSidecar> {
  const { logger } = options;
  const exporter = options.exporter ?? createExporter(config, options);
  const processor = new DpProcessor(config.processor, exporter, { logger, shutdownTimeoutMillis: PROCESSOR_DRAIN_MILLIS });
  const consumer = options.wrapConsumer?.(processor) ?? processor;
  const receiver = new OtlpReceiver(config.receiver, consumer, { logger, shutdownTimeoutMs: RECEIVER_DRAIN_MILLIS });
  const started: Array<{ name: string; shutdown: () => Promise<void> }> = [];
  try {
    await exporter.start?.();
    started.push({ name: 'exporter', shutdown: async () => exporter.shutdown?.() });
    await processor.start();
    started.push({ name: 'processor', shutdown: () => processor.shutdown() });
    await receiver.start();
    started.push({ name: 'receiver', shutdown: () => receiver.shutdown() });
  } catch (error) {
    await stopInOrder([...started].reverse(), logger);
    throw error;
  }
  const httpAddress = receiver.httpAddress;
  const grpcAddress = receiver.grpcAddress;
  let stopping: Promise<void> | undefined;
  return {
    httpAddress,
    grpcAddress,
    shutdown: () => (stopping ??= stopInOrder([...started].reverse(), logger)),
  };
}

/**
 * `otel-dp run`: starts the sidecar, logs `listening` per listener and then
 * `ready` (with the bound `http` and `grpc` addresses), and waits for `stop`.
 * Then it shuts down within {@link SHUTDOWN_DEADLINE_MILLIS}.
 * @returns the exit status: 0 after a clean shutdown, 1 when start-up failed
 *   or the shutdown deadline passed.
 */
export async function runSidecar(
  config: RunConfig,
  options: SidecarOptions & { stop: AbortSignal; deadlineMillis?: number },
): Promise<number> {
  const { logger } = options;
  logStartup(config, logger);
  let sidecar: RunningSidecar;
  try {
    sidecar = await startSidecar(config, options);
  } catch (error) {
    logger.error('start-up failed', { error });
    return 1;
  }
  const http = listenerText(sidecar.httpAddress);
  const grpc = listenerText(sidecar.grpcAddress);
  if (sidecar.httpAddress !== undefined) logger.info('listening', { transport: 'http', address: http });
  if (sidecar.grpcAddress !== undefined) logger.info('listening', { transport: 'grpc', address: grpc });
  logger.info('ready', { http, grpc });

  const reason = await abortReason(options.stop);
  logger.info('shutting down', { reason });
  const deadlineMillis = options.deadlineMillis ?? SHUTDOWN_DEADLINE_MILLIS;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), deadlineMillis);
  });
  const outcome = await Promise.race([sidecar.shutdown().then(() => 'stopped' as const), deadline]);
  clearTimeout(timer);
  if (outcome === 'deadline') {
    logger.error('shutdown deadline passed; data still queued is lost', { deadlineMillis });
    return 1;
  }
  logger.info('stopped');
  return 0;
}

function createExporter(config: RunConfig, options: SidecarOptions): BatchExporter & Lifecycle {
  if (config.exporter.kind === 'debug') return new DebugExporter({ write: options.writeStdout });
  return new OtlpExporter(config.exporter.config, { logger: options.logger, shutdownDeadlineMillis: EXPORTER_DRAIN_MILLIS });
}

async function stopInOrder(components: ReadonlyArray<{ name: string; shutdown: () => Promise<void> }>, logger: Logger): Promise<void> {
  for (const component of components) {
    try {
      await component.shutdown();
    } catch (error) {
      logger.error('shutdown failed', { component: component.name, error });
    }
  }
}

function logStartup(config: RunConfig, logger: Logger): void {
  const { processor, exporter } = config;
  logger.info('starting', {
    windowMillis: processor.windowMillis,
    mechanism: processor.mechanism,
    epsilon: processor.epsilon,
    delta: processor.delta,
    maxSeriesPerToken: processor.maxSeriesPerToken,
    untokened: processor.untokened,
    exporter: exporter.kind,
    ...(exporter.kind === 'otlp' ? { endpoint: describeEndpoint(exporter.config.endpoint), protocol: exporter.config.protocol } : {}),
  });
}

function listenerText(address: ListenAddress | undefined): string {
  return address === undefined ? 'off' : formatListenAddress(address);
}

function abortReason(signal: AbortSignal): Promise<string> {
  const describe = (): string => (typeof signal.reason === 'string' ? signal.reason : 'stop requested');
  if (signal.aborted) return Promise.resolve(describe());
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(describe()), { once: true }));
}
