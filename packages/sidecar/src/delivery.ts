import { join } from 'node:path';
import { QueuedExporter } from '@otel-dp/exporter-helper';
import { DebugExporter, FanOutExporter, OtlpExporter } from '@otel-dp/exporter-otlp';
import { PrometheusRemoteWriteExporter } from '@otel-dp/exporter-prometheus';
import type { BatchExporter, Lifecycle, Logger } from '@otel-dp/pipeline';
import { processorSettingName } from './field-flags.js';
import type { DeliveryConfig, ExporterSetting } from './delivery-config.js';
import { EXPORTER_ABORT_MILLIS, QUEUE_DRAIN_MILLIS } from './shutdown-budget.js';
import { ObservedExporter } from './telemetry/exporter-health.js';

/** One destination: its queue, and what the status page learns about it. */
export interface DeliveryLane {
  queue: QueuedExporter;
  observed: ObservedExporter;
}

/** The exporters of `otel-dp run`, built from a {@link DeliveryConfig}. */
export interface Delivery {
  /** What the processor hands windows to: the one queue, or a fan-out over all. Starting and stopping it starts and stops everything. */
  exporter: BatchExporter & Lifecycle;
  lanes: DeliveryLane[];
  /** The remote-write exporter, for its translation counters; undefined when not configured. */
  remoteWrite: PrometheusRemoteWriteExporter | undefined;
}

export interface DeliveryOptions {
  logger: Logger;
  /** Where the debug exporter prints. Default: process.stdout. */
  writeStdout?: (text: string) => void;
}

/**
 * Builds each exporter behind its own bounded queue (named after the
 * exporter; persistent in `<queueDir>/<kind>` when a directory is set), so
 * a slow backend never holds up another or the processor. Several are
 * combined with a fan-out. Shutdown drains each queue for
 * {@link QUEUE_DRAIN_MILLIS}, then gives attempts on the wire
 * {@link EXPORTER_ABORT_MILLIS}.
 */
export function createDelivery(config: DeliveryConfig, options: DeliveryOptions): Delivery {
  const { logger } = options;
  let remoteWrite: PrometheusRemoteWriteExporter | undefined;
  const lanes = config.exporters.map((setting): DeliveryLane => {
    const exporter = createExporter(setting, options);
    if (exporter instanceof PrometheusRemoteWriteExporter) remoteWrite = exporter;
    const observed = new ObservedExporter(exporter);
    const queue = new QueuedExporter(
      observed,
      {
        name: setting.kind,
        queueSize: config.queueSize,
        queueDir: config.queueDir === undefined ? undefined : join(config.queueDir, setting.kind),
        drainMillis: QUEUE_DRAIN_MILLIS,
      },
      { logger },
    );
    return { queue, observed };
  });
  const exporter = lanes.length === 1 ? lanes[0].queue : new FanOutExporter(lanes.map((lane) => lane.queue), { logger });
  return { exporter, lanes, remoteWrite };
}

function createExporter(setting: ExporterSetting, options: DeliveryOptions): BatchExporter & Lifecycle {
  const { logger } = options;
  switch (setting.kind) {
    case 'debug':
      return new DebugExporter({ write: options.writeStdout, settingName: processorSettingName });
    case 'otlp':
      return new OtlpExporter(setting.config, { logger, shutdownTimeoutMillis: EXPORTER_ABORT_MILLIS });
    case 'prometheus-remote-write':
      return new PrometheusRemoteWriteExporter(setting.config, { logger, shutdownTimeoutMillis: EXPORTER_ABORT_MILLIS });
  }
}
