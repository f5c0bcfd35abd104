export type { ConsumeResult, MetricsConsumer, TraceConsumeResult, TraceConsumer } from './consumer.js';
export type { BatchExporter, ExportBatch } from './exporter.js';
export type { Lifecycle } from './lifecycle.js';
export { PipelineError, type PipelineErrorReason } from './pipeline-error.js';
export { silentLogger, type Logger } from './logger.js';
export type { BudgetStatus, ReleasedHistogramInfo, ReleasedSeriesInfo, SelectionRequirement, WindowSummary } from './window-summary.js';
export { formatListenAddress, isLoopbackHost, type ListenAddress } from './listen-address.js';
export { finishesWithin } from './deadline.js';
