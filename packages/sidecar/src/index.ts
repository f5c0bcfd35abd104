export { main, EXIT_USAGE, type CliIo } from './cli.js';
export { parseCommandLine, parseRunConfig, type ParsedCommand, type ParseOptions } from './command-line.js';
export type { RunConfig } from './config.js';
export type { AdminSetting } from './admin-config.js';
export type { DeliveryConfig, ExporterKind, ExporterSetting } from './delivery-config.js';
export type { DemoConfig } from './demo/demo-config.js';
export { runDemo, type DemoOptions } from './demo/demo.js';
export { parseDuration, formatDuration } from './duration.js';
export type { Environment } from './flag-input.js';
export { renderFlagTable } from './flag-table.js';
export {
  JsonLinesLogger,
  PrettyLinesLogger,
  createLogger,
  LOG_FORMATS,
  LOG_LEVELS,
  type LogFormat,
  type LogLevel,
  type JsonLinesLoggerOptions,
} from './logger.js';
export {
  DEMO_FLAGS,
  ENV_PREFIX,
  PLAN_FLAGS,
  RELEASE_FLAGS,
  RUN_FLAGS,
  SIMULATE_FLAGS,
  envVarName,
  type FlagDefinition,
  type FlagGroup,
} from './options.js';
export { runSidecar, SHUTDOWN_DEADLINE_MILLIS } from './run.js';
export { startSidecar, type RunningSidecar, type SidecarOptions } from './start-sidecar.js';
export { endpointReachesListener, type LocalHost } from './self-export.js';
export { UsageError } from './usage-error.js';
export { DEFAULT_SPAN_METRICS_SETTINGS, buildSpanMetricsSettings, type SpanMetricsSettings } from './span-metrics-config.js';
