import { finishesWithin, type Logger } from '@otel-dp/pipeline';
import { formatListenAddress, type ListenAddress } from '@otel-dp/receiver-otlp';
import type { RunConfig } from './config.js';
import { describeEndpoint } from './otlp-exporter-config.js';
import { SHUTDOWN_DEADLINE_MILLIS } from './shutdown-budget.js';
import { startSidecar, type RunningSidecar, type SidecarOptions } from './start-sidecar.js';

export { SHUTDOWN_DEADLINE_MILLIS };

/**
 * `otel-dp run`: starts the sidecar, logs `listening` per listener and then
 * `ready` (with the bound `http`, `grpc` and `admin` addresses), and waits
 * for `stop`. Then it shuts down within {@link SHUTDOWN_DEADLINE_MILLIS}.
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
  const admin = listenerText(sidecar.adminAddress);
  if (sidecar.httpAddress !== undefined) logger.info('listening', { transport: 'http', address: http });
  if (sidecar.grpcAddress !== undefined) logger.info('listening', { transport: 'grpc', address: grpc });
  logger.info('ready', { http, grpc, admin });

  const reason = await abortReason(options.stop);
  logger.info('shutting down', { reason });
  const deadlineMillis = options.deadlineMillis ?? SHUTDOWN_DEADLINE_MILLIS;
  if (!(await finishesWithin(sidecar.shutdown(), deadlineMillis))) {
    logger.error('shutdown deadline passed; data still queued is lost', { deadlineMillis });
    return 1;
  }
  logger.info('stopped');
  return 0;
}

function logStartup(config: RunConfig, logger: Logger): void {
  const { processor, delivery } = config;
  const destinations: Record<string, unknown> = {};
  for (const exporter of delivery.exporters) {
    if (exporter.kind === 'otlp') Object.assign(destinations, { endpoint: describeEndpoint(exporter.config.endpoint), protocol: exporter.config.protocol });
    if (exporter.kind === 'prometheus-remote-write') destinations.remoteWriteUrl = describeEndpoint(exporter.config.url);
  }
  logger.info('starting', {
    windowMillis: processor.windowMillis,
    mechanism: processor.mechanism,
    epsilon: processor.epsilon,
    delta: processor.delta,
    maxSeriesPerToken: processor.maxSeriesPerToken,
    untokened: processor.untokened,
    exporters: delivery.exporters.map((exporter) => exporter.kind),
    ...destinations,
    ...(delivery.queueDir === undefined ? {} : { queueDir: delivery.queueDir }),
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
