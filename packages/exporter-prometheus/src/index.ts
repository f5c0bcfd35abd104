export { PrometheusRemoteWriteExporter, REMOTE_WRITE_METRICS, type PrometheusRemoteWriteExporterOptions } from './remote-write-exporter.js';
export { resolveRemoteWriteConfig, type PrometheusRemoteWriteConfig, type ResolvedRemoteWriteConfig } from './config.js';
export type { RemoteWriteTranslationStats } from './remote-write-transport.js';
export { DROP_REASONS, type DropReason } from './translate-metric.js';
