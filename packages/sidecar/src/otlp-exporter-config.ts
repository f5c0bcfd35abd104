import {
  parseOtlpHeaders,
  resolveOtlpExporterEndpoint,
  validateOtlpExporterConfig,
  type OtlpExporterConfig,
  type OtlpProtocol,
} from '@otel-dp/exporter-otlp';
import type { RetryConfig } from '@otel-dp/exporter-helper';
import { asUsageError, defaulted, type Environment, type FlagReader } from './flag-input.js';
import { parseHttpUrlValue } from './flag-values.js';
import { COMPRESSIONS, OTLP_PROTOCOL_NAMES } from './options.js';
import { refuseOwnListener, type LocalHost, type OwnListener } from './self-export.js';
import { UsageError } from './usage-error.js';

const PROTOCOLS: readonly OtlpProtocol[] = OTLP_PROTOCOL_NAMES;

/** OpenTelemetry's header variables, least specific first, so the per-signal one wins a shared key. */
const HEADER_VARIABLES = ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS'];

/** The OTLP exporter flags, checked, and the endpoint when one is set (by flag or variable). */
export interface OtlpSettings {
  endpoint: string | undefined;
  protocol: OtlpProtocol;
  compression: OtlpExporterConfig['compression'];
  timeoutMillis: number;
  headers: Record<string, string>;
}

/**
 * Reads the OTLP exporter flags and OpenTelemetry's variables. Protocol,
 * compression, timeout and headers are checked even when no OTLP exporter
 * runs, so a typo fails at start rather than when the exporter is switched on.
 */
export function readOtlpSettings(flags: FlagReader, env: Environment): OtlpSettings {
  const protocol = defaulted(flags.choice('otlp-protocol', PROTOCOLS), 'otlp-protocol');
  return {
    protocol,
    compression: defaulted(flags.choice('otlp-compression', COMPRESSIONS), 'otlp-compression'),
    timeoutMillis: defaulted(flags.durationMillis('otlp-timeout'), 'otlp-timeout'),
    headers: readHeaders(flags, env),
    endpoint: resolveOtlpExporterEndpoint({ endpoint: flags.text('otlp-endpoint'), protocol, env: { ...env } }),
  };
}

/**
 * The OTLP exporter's configuration.
 * @param listeners the sidecar's own listen addresses: an endpoint that
 *   reaches one of them is refused, as it would feed released data back in.
 * @throws {UsageError} without an endpoint, or for one that is malformed or the sidecar's own.
 */
export function buildOtlpExporterConfig(
  settings: OtlpSettings,
  retry: RetryConfig,
  flags: FlagReader,
  env: Environment,
  listeners: readonly OwnListener[],
  local: LocalHost,
): OtlpExporterConfig {
  const { endpoint, protocol, headers, compression, timeoutMillis } = settings;
  if (endpoint === undefined) {
    throw new UsageError(`${flags.label('exporter')} lists otlp but no endpoint is set: give --otlp-endpoint or OTEL_EXPORTER_OTLP_ENDPOINT`);
  }
  const endpointLabel = endpointSource(flags, env);
  refuseOwnListener(parseEndpointUrl(endpoint, endpointLabel, protocol), endpointLabel, listeners, local);
  const config: OtlpExporterConfig = { endpoint, protocol, headers, compression, timeoutMillis, retry };
  try {
    validateOtlpExporterConfig(config);
  } catch (error) {
    // Everything but the headers was checked above, flag by flag; a header
    // may come from the flag or from either variable.
    throw asUsageError(error, '--otlp-header (or OTEL_EXPORTER_OTLP_[METRICS_]HEADERS)');
  }
  return config;
}

/** Redacts user info, query and fragment, which may hold credentials, for logs. */
export function describeEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

function readHeaders(flags: FlagReader, env: Environment): Record<string, string> {
  const headers: Record<string, string> = {};
  const sources: Array<{ label: string; text: string }> = HEADER_VARIABLES.flatMap((variable) => {
    const text = env[variable];
    return text === undefined ? [] : [{ label: variable, text }];
  });
  for (const text of flags.list('otlp-header')) sources.push({ label: flags.label('otlp-header'), text });
  for (const { label, text } of sources) {
    try {
      Object.assign(headers, parseOtlpHeaders(text));
    } catch (error) {
      throw asUsageError(error, label);
    }
  }
  return headers;
}

function endpointSource(flags: FlagReader, env: Environment): string {
  if (flags.has('otlp-endpoint')) return flags.label('otlp-endpoint');
  const perSignal = env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT;
  return perSignal !== undefined && perSignal.trim() !== '' ? 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
}

// The value is not quoted in errors: an endpoint may carry credentials.
function parseEndpointUrl(endpoint: string, label: string, protocol: OtlpProtocol): URL {
  const url = parseHttpUrlValue(endpoint, label, 'http://collector:4318/v1/metrics');
  if (protocol === 'grpc' && url.pathname !== '/' && url.pathname !== '') {
    throw new UsageError(`${label} has a path, which grpc does not use: give http://HOST:PORT or https://HOST:PORT`);
  }
  // Port 0 means "any free port" to a listener; nothing can be sent to it.
  if (url.port === '0') throw new UsageError(`${label} has port 0, which no server listens on: give the backend's port`);
  return url;
}
