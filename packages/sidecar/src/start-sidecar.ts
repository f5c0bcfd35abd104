import { AdminServer, SelfTelemetry, type ConfigValue, type MetricSource } from '@otel-dp/admin';
import { finishesWithin, type BatchExporter, type Lifecycle, type Logger, type MetricsConsumer } from '@otel-dp/pipeline';
import { DpProcessor, withSpanMetricsClipDefaults } from '@otel-dp/processor-dp';
import { OtlpReceiver, formatListenAddress, type ListenAddress } from '@otel-dp/receiver-otlp';
import type { RunConfig } from './config.js';
import { adminSettingName, processorSettingName, receiverSettingName } from './field-flags.js';
import { createDelivery, type Delivery } from './delivery.js';
import { DEFAULT_SPAN_METRICS_SETTINGS } from './span-metrics-config.js';
import { PROCESSOR_DRAIN_MILLIS, RECEIVER_DRAIN_MILLIS, SELF_TELEMETRY_STOP_MILLIS } from './shutdown-budget.js';
import { configInEffect } from './telemetry/config-in-effect.js';
import { processorMetrics, queueMetrics, receiverMetrics, remoteWriteMetrics } from './telemetry/pipeline-metrics.js';
import { WindowRecorder } from './telemetry/window-recorder.js';

export interface SidecarOptions {
  logger: Logger;
  /** Where the debug exporter prints. Default: process.stdout. */
  writeStdout?: (text: string) => void;
  /** Takes the place of the configured exporters and their queues (the demo prints releases itself). */
  exporter?: BatchExporter & Partial<Lifecycle>;
  /** Wraps the processor's input, e.g. to observe what it receives. */
  wrapConsumer?: (processor: MetricsConsumer) => MetricsConsumer;
}

/** A started pipeline: receiver → DP processor → exporters, with its admin endpoint. */
export interface RunningSidecar {
  /** The bound OTLP/HTTP address (port 0 resolved); undefined when off. */
  readonly httpAddress: ListenAddress | undefined;
  /** The bound OTLP/gRPC address (port 0 resolved); undefined when off. */
  readonly grpcAddress: ListenAddress | undefined;
  /** The bound admin endpoint address (port 0 resolved); undefined when off. */
  readonly adminAddress: ListenAddress | undefined;
  /**
   * Turns `/readyz` to 503, stops receiving, releases the open window,
   * drains the exporters, sends the last self-telemetry and closes the admin
   * endpoint. Idempotent; never rejects (failures are logged).
   */
  shutdown(): Promise<void>;
}

interface Stoppable {
  name: string;
  shutdown: () => Promise<void>;
}

/**
 * Starts the pipeline back to front, so that nothing is received before it
 * can be processed: the admin endpoint (healthy, not ready), the exporters,
 * the processor (its window timer), the receiver's listeners; then
 * `/readyz` turns ready and self-telemetry starts. If a step fails, what
 * started is shut down again and the error is rethrown.
 */
export async function startSidecar(config: RunConfig, options: SidecarOptions): Promise<RunningSidecar> {
  const { logger } = options;
  const { next, delivery } = exportersFor(config, options);
  // The recorder writes to the admin endpoint, which is built below from the
  // components' counters; it is only called once windows close.
  const recorder = new WindowRecorder((event) => admin.recordWindow(event));
  // Spans feed the same processor as metrics: one window, one budget, one privacy unit.
  const processor = new DpProcessor(withSpanMetricsClipDefaults(config.processor), next, {
    logger,
    shutdownTimeoutMillis: PROCESSOR_DRAIN_MILLIS,
    onWindow: recorder.observe,
    settingName: processorSettingName,
    spans: config.spans ?? DEFAULT_SPAN_METRICS_SETTINGS,
  });
  const consumer = options.wrapConsumer?.(processor) ?? processor;
  const traceConsumer = processor.traces;
  const receiver = new OtlpReceiver(config.receiver, consumer, { logger, shutdownTimeoutMillis: RECEIVER_DRAIN_MILLIS, traceConsumer, settingName: receiverSettingName });
  const transports = (['http', 'grpc'] as const).filter((transport) => config.receiver[`${transport}Listen`] !== 'off');
  const sources: MetricSource[] = [
    receiverMetrics(receiver.stats, transports),
    processorMetrics(processor.stats, config.processor.epsilon, () => recorder.budget),
  ];
  if (delivery !== undefined) sources.push(queueMetrics(delivery.lanes.map((lane) => lane.queue)));
  if (delivery?.remoteWrite !== undefined) sources.push(remoteWriteMetrics(delivery.remoteWrite));
  const shown = configInEffect(config);
  const admin: AdminServer = new AdminServer(
    { listen: config.admin.listen, windowMillis: config.processor.windowMillis },
    {
      sources,
      // Port 0 is chosen by the OS at start: show the address actually bound, once there is one.
      configInEffect: (): Record<string, ConfigValue> => ({
        ...shown,
        ...boundAddress('http-listen', receiver.httpAddress),
        ...boundAddress('grpc-listen', receiver.grpcAddress),
        ...boundAddress('admin-listen', admin.address),
      }),
      exporterHealth: () => delivery?.lanes.map((lane) => lane.observed.health(lane.queue.stats())) ?? [],
      logger,
      settingName: adminSettingName,
    },
  );
  const { selfTelemetry } = config.admin;
  const telemetry = selfTelemetry === undefined ? undefined : new SelfTelemetry({ ...selfTelemetry, sources, logger });

  const started: Stoppable[] = [];
  try {
    for (const component of [
      { name: 'admin endpoint', lifecycle: admin },
      { name: 'exporter', lifecycle: { start: async () => next.start?.(), shutdown: async () => next.shutdown?.() } },
      { name: 'processor', lifecycle: processor },
      { name: 'receiver', lifecycle: receiver },
    ]) {
      await component.lifecycle.start();
      started.push({ name: component.name, shutdown: () => component.lifecycle.shutdown() });
    }
    admin.setReady(true);
    if (telemetry !== undefined) {
      await telemetry.start();
      // Last counters out before the admin endpoint closes, bounded: a backend that does not answer must not hold up the exit.
      const stopTelemetry = async (): Promise<void> => {
        await finishesWithin(telemetry.shutdown(), SELF_TELEMETRY_STOP_MILLIS, { unref: true });
      };
      started.splice(1, 0, { name: 'self-telemetry', shutdown: stopTelemetry });
    }
  } catch (error) {
    await stopInOrder([...started].reverse(), logger);
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    httpAddress: receiver.httpAddress,
    grpcAddress: receiver.grpcAddress,
    adminAddress: admin.address,
    shutdown: () => {
      admin.setReady(false);
      return (stopping ??= stopInOrder([...started].reverse(), logger));
    },
  };
}

/** The configured exporters, unless the caller brings its own. */
function exportersFor(config: RunConfig, options: SidecarOptions): { next: BatchExporter & Partial<Lifecycle>; delivery: Delivery | undefined } {
  if (options.exporter !== undefined) return { next: options.exporter, delivery: undefined };
  const delivery = createDelivery(config.delivery, options);
  return { next: delivery.exporter, delivery };
}

async function stopInOrder(components: readonly Stoppable[], logger: Logger): Promise<void> {
  for (const component of components) {
    try {
      await component.shutdown();
    } catch (error) {
      logger.error('shutdown failed', { component: component.name, error });
    }
  }
}

function boundAddress(key: string, address: ListenAddress | undefined): Record<string, string> {
  return address === undefined ? {} : { [key]: formatListenAddress(address) };
}
