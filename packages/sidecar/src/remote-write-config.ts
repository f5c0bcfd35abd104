import type { RetryConfig } from '@otel-dp/exporter-helper';
import { parseOtlpHeaders } from '@otel-dp/exporter-otlp';
import { resolveRemoteWriteConfig, type PrometheusRemoteWriteConfig } from '@otel-dp/exporter-prometheus';
import { asUsageError, type FlagReader } from './flag-input.js';
import { parseHttpUrlValue } from './flag-values.js';
import { refuseOwnListener, type LocalHost, type OwnListener } from './self-export.js';
import { UsageError } from './usage-error.js';

/**
 * The `--remote-write-header` values, `KEY=VALUE` each (several may share
 * one value, comma-separated, as in OTEL_EXPORTER_OTLP_HEADERS; values are
 * percent-decoded). Checked even when no remote-write exporter runs.
 */
export function readRemoteWriteHeaders(flags: FlagReader): Record<string, string> {
  const headers: Record<string, string> = {};
  const label = flags.label('remote-write-header');
  for (const text of flags.list('remote-write-header')) {
    try {
      Object.assign(headers, parseOtlpHeaders(text));
    } catch (error) {
      throw asUsageError(error, label);
    }
  }
  return headers;
}

/**
 * The Prometheus remote-write exporter's configuration.
 * @throws {UsageError} without `--remote-write-url`, for a malformed URL or
 *   header, or a URL that reaches one of the sidecar's own listeners.
 */
export function buildRemoteWriteConfig(
  flags: FlagReader,
  headers: Record<string, string>,
  retry: RetryConfig,
  listeners: readonly OwnListener[],
  local: LocalHost,
): PrometheusRemoteWriteConfig {
  const text = flags.text('remote-write-url');
  if (text === undefined) {
    throw new UsageError(`${flags.label('exporter')} lists prometheus-remote-write but --remote-write-url is not set`);
  }
  const label = flags.label('remote-write-url');
  const url = parseHttpUrlValue(text, label, 'http://prometheus:9090/api/v1/write');
  refuseOwnListener(url, label, listeners, local);
  const config: PrometheusRemoteWriteConfig = { url: url.href, headers, retry };
  try {
    resolveRemoteWriteConfig(config);
  } catch (error) {
    // The URL was checked above: what is left to refuse is a header.
    throw asUsageError(error, flags.label('remote-write-header'));
  }
  return config;
}
