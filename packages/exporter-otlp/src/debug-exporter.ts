import type { BatchExporter, ExportBatch, Lifecycle } from '@otel-dp/pipeline';
import { formatUntouchedRequest, formatWindowSummary, type DebugSetting } from './debug-format.js';
import { ExporterError } from '@otel-dp/exporter-helper';

export interface DebugExporterOptions {
  /** Where each block of text goes. Default: process.stdout. */
  write?: (text: string) => void;
  /** What the output calls the processor settings it points to; default their field names. */
  settingName?: (setting: DebugSetting) => string;
}

/**
 * Prints one readable block per batch instead of sending it anywhere: the
 * default when no endpoint is configured, so a sidecar shows what it would
 * release. A DP release prints its window summary; untokened data forwarded
 * untouched prints its points under a header that says no privacy was
 * applied. The format is described in the package README.
 */
export class DebugExporter implements BatchExporter, Lifecycle {
  private readonly write: (text: string) => void;
  private readonly settingName: ((setting: DebugSetting) => string) | undefined;
  private stopped = false;

  constructor(options: DebugExporterOptions = {}) {
    this.write = options.write ?? ((text) => void process.stdout.write(text));
    this.settingName = options.settingName;
  }

  /** Rejects with EXPORT_SHUTDOWN after shutdown(). */
  async start(): Promise<void> {
    if (this.stopped) throw new ExporterError('EXPORT_SHUTDOWN', 'debug exporter was shut down and cannot start again');
  }

  /** Rejects with EXPORT_SHUTDOWN after shutdown(). */
  async export(batch: ExportBatch): Promise<void> {
    if (this.stopped) throw new ExporterError('EXPORT_SHUTDOWN', 'debug exporter is shut down, export refused');
    this.write(batch.summary === undefined ? formatUntouchedRequest(batch.request) : formatWindowSummary(batch.summary, this.settingName));
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
  }
}
