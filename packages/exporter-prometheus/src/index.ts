export { PrometheusRemoteWriteExporter, REMOTE_WRITE_METRICS, type PrometheusRemoteWriteExporterOptions } from './remote-write-exporter.js';
export { resolveRemoteWriteConfig, type PrometheusRemoteWriteConfig, type ResolvedRemoteWriteConfig } from './config.js';
export type { RemoteWriteTranslationStats } from './remote-write-transport.js';
export { toWriteRequest, type Translation, type TranslationOptions } from './translate.js';
export { DROP_REASONS, type DropReason } from './translate-metric.js';
export { prometheusMetricName, sanitizeMetricName, type PrometheusKind } from './metric-name.js';
export { sanitizeLabelName, attributeValueText } from './labels.js';
export { encodeWriteRequest, decodeWriteRequest, type WriteRequest, type TimeSeries, type Label, type Sample } from './write-request.js';
export { snappyCompress, snappyDecompress, SnappyError } from './snappy.js';
