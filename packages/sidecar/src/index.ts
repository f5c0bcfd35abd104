export { main, EXIT_USAGE, type CliIo } from './cli.js';
export { parseCommandLine, parseRunConfig, type ParsedCommand, type ParseOptions } from './command-line.js';
export { buildRunConfig, type RunConfig } from './config.js';
export { buildDpProcessorConfig } from './processor-config.js';
export { buildExporterSetting, describeEndpoint, type ExporterSetting } from './exporter-config.js';
export { buildDemoConfig, type DemoConfig } from './demo/demo-config.js';
export { runDemo, type DemoOptions } from './demo/demo.js';
export { SyntheticApp, DEMO_ROUTES, type DemoRoute, type SyntheticAppOptions } from './demo/synthetic-app.js';
export { TrueCounts, tapTrueCounts } from './demo/true-counts.js';
export { WindowReportPrinter, renderWindowTable } from './demo/window-report.js';
export { parseDuration, formatDuration } from './duration.js';
export { FlagReader, type Environment } from './flag-input.js';
export { renderFlagTable } from './flag-table.js';
export { JsonLinesLogger, LOG_LEVELS, type LogLevel, type JsonLinesLoggerOptions } from './logger.js';
export {
  ALL_FLAG_NAMES,
  DEMO_FLAGS,
  DEMO_METRIC,
  ENV_PREFIX,
  RUN_FLAGS,
  envVarName,
  type FlagDefinition,
  type FlagGroup,
} from './options.js';
export { startSidecar, runSidecar, SHUTDOWN_DEADLINE_MILLIS, type RunningSidecar, type SidecarOptions } from './run.js';
export { endpointReachesListener, currentLocalHost, type LocalHost } from './self-export.js';
export { UsageError } from './usage-error.js';
