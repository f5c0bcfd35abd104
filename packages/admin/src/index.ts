export { AdminServer, type AdminServerOptions } from './admin-server.js';
export { ADMIN_PATHS } from './admin-routes.js';
export { SelfTelemetry, SELF_TELEMETRY_SERVICE_NAME, type SelfTelemetryOptions } from './self-telemetry.js';
export {
  DEFAULT_ADMIN_LISTEN,
  DEFAULT_WINDOW_HISTORY_CAPACITY,
  MAX_WINDOW_HISTORY_CAPACITY,
  STATUS_CHART_WINDOWS,
  STATUS_HISTORY_MILLIS,
  DEFAULT_SELF_TELEMETRY_INTERVAL_MILLIS,
  MIN_SELF_TELEMETRY_INTERVAL_MILLIS,
  createDefaultConfig,
  fieldName,
  validateAdminConfig,
  resolveSelfTelemetryEndpoint,
  isLoopbackHost,
  formatListenAddress,
  type AdminServerConfig,
  type AdminSetting,
  type AdminSettingName,
  type ListenAddress,
} from './config.js';
export { AdminConfigError, AdminStartError, type AdminConfigErrorCode, type AdminStartErrorCode } from './errors.js';
export { prometheusName, type MetricSample, type MetricSource } from './metric-sample.js';
export { MAX_LABEL_VALUE_LENGTH } from './sample-check.js';
export { PROMETHEUS_CONTENT_TYPE } from './prometheus-text.js';
export { STATUS_REFRESH_SECONDS, type ExporterHealth } from './status-page.js';
export { HIDDEN_VALUE, displayConfigValue, type ConfigValue } from './config-display.js';
export type { WindowEvent } from './window-history.js';
export { renderLineChart, type ChartSeries, type LineChart } from './svg-chart.js';
