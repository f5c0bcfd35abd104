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
   * served (`--admin-listen`), or 'off'. Default 127.0.0.1:13133. Any other
   * than a loopback address logs a warning: the counters are not privatized.
   */
  listen: ListenAddress | 'off';
  /**
   * Most windows kept for the status page's charts, oldest dropped first.
   * Default 3600; from 1 to 36,000.
   */
  windowHistoryCapacity?: number;
  /**
   * Length of a release window (`--window`), in milliseconds: the charts
   * span {@link STATUS_CHART_WINDOWS} of them, at most the hour of
   * STATUS_HISTORY_MILLIS and at most the windows held. Default: the hour.
   */
  windowMillis?: number;
}

/** Windows a chart spans when they are short, so each stays visible. */
export const STATUS_CHART_WINDOWS = 60;

/**
 * Checks a configuration, as the constructor does.
 * @throws {AdminConfigError} naming the field that is wrong.
 */
export function validateAdminConfig(config: AdminServerConfig): void {
  const listen = config.listen;
  if (listen !== 'off') {
    if (typeof listen !== 'object' || listen === null || typeof listen.host !== 'string' || listen.host === '') {
      throw new AdminConfigError("listen (--admin-listen) must be 'off' or { host, port } with a non-empty host");
    }
    if (!Number.isInteger(listen.port) || listen.port < 0 || listen.port > 65535) {
      throw new AdminConfigError(`listen.port (--admin-listen) is ${String(listen.port)}, must be a whole number from 0 to 65535`);
    }
  }
  const capacity = config.windowHistoryCapacity;
  if (capacity !== undefined && (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_WINDOW_HISTORY_CAPACITY)) {
    throw new AdminConfigError(`windowHistoryCapacity is ${String(capacity)}, must be a whole number from 1 to ${MAX_WINDOW_HISTORY_CAPACITY}`);
  }
}

/**
 * The URL self-telemetry posts to, from `--self-telemetry-endpoint`:
 * `http(s)://host:port/path`, taken as the full metrics URL; without a path
 * (or with `/`) the OTLP path `/v1/metrics` is added, as for
 * `OTEL_EXPORTER_OTLP_ENDPOINT`. User names and passwords in the URL are
 * refused (give credentials as headers, which are never shown).
 * @throws {AdminConfigError} naming the flag.
 */
export function resolveSelfTelemetryEndpoint(text: string): URL {
  const fail = (why: string): never => {
    // The text may hold credentials: name only the flag and what is wrong.
    throw new AdminConfigError(`--self-telemetry-endpoint ${why}`);
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
