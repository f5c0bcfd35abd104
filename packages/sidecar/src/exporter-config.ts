import {
  DEFAULT_RETRY,
  parseOtlpHeaders,
  resolveOtlpExporterEndpoint,
  validateOtlpExporterConfig,
  type OtlpExporterConfig,
  type OtlpProtocol,
} from '@otel-dp/exporter-otlp';
import type { ListenAddress } from '@otel-dp/receiver-otlp';
import { asUsageError, defaulted, type Environment, type FlagReader } from './flag-input.js';
import { COMPRESSIONS, EXPORTER_KINDS, OTLP_PROTOCOL_NAMES } from './options.js';
import { endpointReachesListener, type LocalHost } from './self-export.js';
import { UsageError } from './usage-error.js';

/** Where released windows go: an OTLP backend, or readable text on stdout. */
export type ExporterSetting = { kind: 'debug' } | { kind: 'otlp'; config: OtlpExporterConfig };

const PROTOCOLS: readonly OtlpProtocol[] = OTLP_PROTOCOL_NAMES;

/** OpenTelemetry's header variables, least specific first, so the per-signal one wins a shared key. */
const HEADER_VARIABLES = ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS'];

/**
 * The exporter flags as a configuration. Protocol, compression, timeout and
 * headers are checked even for the debug exporter, so a typo fails at start
 * rather than when the exporter is switched later.
 * @param listeners the sidecar's own listen addresses, by flag: an endpoint
 *   that reaches one of them is refused, as it would feed released data back in.
 */
export function buildExporterSetting(
  flags: FlagReader,
  env: Environment,
  listeners: ReadonlyArray<{ flag: string; address: ListenAddress | 'off' }>,
  local: LocalHost,
): ExporterSetting {
  const protocol = defaulted(flags.choice('otlp-protocol', PROTOCOLS), 'otlp-protocol');
  const compression = defaulted(flags.choice('otlp-compression', COMPRESSIONS), 'otlp-compression');
  const timeoutMillis = defaulted(flags.durationMillis('otlp-timeout'), 'otlp-timeout');
  const headers = readHeaders(flags, env);
  const endpoint = resolveOtlpExporterEndpoint({ endpoint: flags.text('otlp-endpoint'), protocol, env: { ...env } });
  const kind = flags.choice('exporter', EXPORTER_KINDS) ?? (endpoint === undefined ? 'debug' : 'otlp');
  if (kind === 'debug') return { kind };
  if (endpoint === undefined) {
    throw new UsageError(`${flags.label('exporter')} is otlp but no endpoint is set: give --otlp-endpoint or OTEL_EXPORTER_OTLP_ENDPOINT`);
  }
  const endpointLabel = endpointSource(flags, env);
  const url = parseEndpointUrl(endpoint, endpointLabel, protocol);
  for (const listener of listeners) {
    if (listener.address !== 'off' && endpointReachesListener(url, listener.address, local)) {
      throw new UsageError(
        `${endpointLabel} points at this sidecar's own ${listener.flag} address (port ${listener.address.port}); exporting there would feed released data back in`,
      );
    }
  }
  const config: OtlpExporterConfig = { endpoint, protocol, headers, compression, timeoutMillis, retry: { ...DEFAULT_RETRY } };
  try {
    validateOtlpExporterConfig(config);
  } catch (error) {
    // Everything but the headers was checked above, flag by flag; a header
    // may come from the flag or from either variable.
    throw asUsageError(error, '--otlp-header (or OTEL_EXPORTER_OTLP_[METRICS_]HEADERS)');
  }
  return { kind, config };
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
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`${label} is not a valid URL, expected e.g. http://collector:4318/v1/metrics`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${label} has scheme ${url.protocol}, must be http: or https:`);
  }
  if (protocol === 'grpc' && url.pathname !== '/' && url.pathname !== '') {
    throw new UsageError(`${label} has a path, which grpc does not use: give http://HOST:PORT or https://HOST:PORT`);
  }
  return url;
}
