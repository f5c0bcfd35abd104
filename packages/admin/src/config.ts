import type { ListenAddress } from '@otel-dp/pipeline';
import { AdminConfigError } from './errors.js';

// One definition for every listener of the pipeline; re-exported as part of this package's configuration API.
export { formatListenAddress, isLoopbackHost, type ListenAddress } from '@otel-dp/pipeline';

/** The collector's health_check port (13133), bound to loopback only. */
export const DEFAULT_ADMIN_LISTEN: ListenAddress = Object.freeze({ host: '127.0.0.1', port: 13133 });
/**
 * 3600 windows: the whole hour the status page shows at 1 s windows; with
 * shorter windows the chart shows the latest 3600. About 200 KiB at most.
 */
export const DEFAULT_WINDOW_HISTORY_CAPACITY = 3600;
/** Upper bound of `windowHistoryCapacity`: one hour of the shortest window (100 ms). */
export const MAX_WINDOW_HISTORY_CAPACITY = 36_000;
/** How far back the status page charts go: one hour, in milliseconds. */
export const STATUS_HISTORY_MILLIS = 60 * 60 * 1000;
/** How often self-telemetry exports, in milliseconds: 60 s, the OpenTelemetry SDK's default. */
export const DEFAULT_SELF_TELEMETRY_INTERVAL_MILLIS = 60_000;
/** Shortest self-telemetry interval accepted, in milliseconds. */
export const MIN_SELF_TELEMETRY_INTERVAL_MILLIS = 100;
/**
 * Most one self-telemetry export may take, in milliseconds (the interval
 * when shorter): 5 s, so the last export at shutdown fits in the sidecar's
 * 10 s shutdown deadline.
 */
export const SELF_TELEMETRY_EXPORT_TIMEOUT_MILLIS = 5000;
/** The OTLP/HTTP metrics path, added to an endpoint given without a path. */
export const OTLP_METRICS_PATH = '/v1/metrics';

export interface AdminServerConfig {
  /**
   * Where `/healthz`, `/readyz`, `/metrics` and the status page `/` are
   * served, or 'off'. Default 127.0.0.1:13133. Any other
   * than a loopback address logs a warning: the counters are not privatized.
   */
  listen: ListenAddress | 'off';
  /**
   * Most windows kept for the status page's charts, oldest dropped first.
   * Default 3600; from 1 to 36,000.
   */
  windowHistoryCapacity?: number;
  /**
   * Length of a release window (the processor's `windowMillis`), in milliseconds: the charts
   * span {@link STATUS_CHART_WINDOWS} of them, at most the hour of
   * STATUS_HISTORY_MILLIS and at most the windows held. Default: the hour.
   */
  windowMillis?: number;
}

/**
 * The settings the admin package's messages and status page name: its own
 * fields, the self-telemetry endpoint, and the two processor settings the
 * status page points operators to.
 */
export type AdminSetting = keyof AdminServerConfig | 'endpoint' | 'undeclaredSeries' | 'publicAttributes';

/**
 * What a message calls a setting: by default the field's own name; a
 * program that sets the fields from its own options (the sidecar's flags)
 * gives its names.
 */
export type AdminSettingName = (setting: AdminSetting) => string;

/** Names each setting by its field. */
export function fieldName(setting: AdminSetting): string {
  return setting;
}

/** Every field at its default: loopback on 13133, 3600 windows kept, charts over the hour (no `windowMillis`). */
export function createDefaultConfig(): AdminServerConfig & { windowHistoryCapacity: number } {
  return { listen: DEFAULT_ADMIN_LISTEN, windowHistoryCapacity: DEFAULT_WINDOW_HISTORY_CAPACITY };
}

/** Windows a chart spans when they are short, so each stays visible. */
export const STATUS_CHART_WINDOWS = 60;

/**
 * Checks a configuration, as the constructor does.
 * @throws {AdminConfigError} carrying the field that is wrong, named by `settingName`.
 */
export function validateAdminConfig(config: AdminServerConfig, settingName: AdminSettingName = fieldName): void {
  const listen = config.listen;
  if (listen !== 'off') {
    if (typeof listen !== 'object' || listen === null || typeof listen.host !== 'string' || listen.host === '') {
      throw new AdminConfigError('listen', `${settingName('listen')} must be 'off' or { host, port } with a non-empty host`);
    }
    if (!Number.isInteger(listen.port) || listen.port < 0 || listen.port > 65535) {
      throw new AdminConfigError('listen', `${settingName('listen')}.port is ${String(listen.port)}, must be a whole number from 0 to 65535`);
    }
  }
  const capacity = config.windowHistoryCapacity;
  if (capacity !== undefined && (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_WINDOW_HISTORY_CAPACITY)) {
    throw new AdminConfigError(
      'windowHistoryCapacity',
      `${settingName('windowHistoryCapacity')} is ${String(capacity)}, must be a whole number from 1 to ${MAX_WINDOW_HISTORY_CAPACITY}`,
    );
  }
}

/**
 * The URL self-telemetry posts to, from the text of its `endpoint`:
 * `http(s)://host:port/path`, taken as the full metrics URL; without a path
 * (or with `/`) the OTLP path `/v1/metrics` is added, as for
 * `OTEL_EXPORTER_OTLP_ENDPOINT`. User names and passwords in the URL are
 * refused (give credentials as headers, which are never shown).
 * @param name what the message calls the setting; default `endpoint`.
 * @throws {AdminConfigError} naming the setting.
 */
export function resolveSelfTelemetryEndpoint(text: string, name = 'endpoint'): URL {
  const fail = (why: string): never => {
    // The text may hold credentials: name only the setting and what is wrong.
    throw new AdminConfigError('endpoint', `${name} ${why}`);
  };
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return fail('is not a URL, must be http://host:port or https://host:port with an optional path');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`has scheme ${url.protocol.slice(0, -1)}, must be http or https`);
  if (url.username !== '' || url.password !== '') fail('holds a user name or password, give credentials as headers instead');
  if (url.search !== '' || url.hash !== '') fail('has a query or fragment, must be http(s)://host:port/path');
  if (url.pathname === '' || url.pathname === '/') url.pathname = OTLP_METRICS_PATH;
  return url;
}
