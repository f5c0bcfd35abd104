import type { OtlpProtocol } from './config.js';

/** Path appended to a base endpoint for the metrics signal (OTLP exporter spec). */
const METRICS_PATH = 'v1/metrics';

/**
 * The exporter endpoint from, in order: the `endpoint` given,
 * OTEL_EXPORTER_OTLP_METRICS_ENDPOINT (used as is), then
 * OTEL_EXPORTER_OTLP_ENDPOINT (for http/* with `v1/metrics` appended after a
 * single slash; for grpc as is). Empty values count as unset, as the
 * OpenTelemetry environment specification says. Undefined when none is set.
 */
export function resolveOtlpExporterEndpoint(options: {
  endpoint?: string;
  protocol: OtlpProtocol;
  env: Record<string, string | undefined>;
}): string | undefined {
  const explicit = nonEmpty(options.endpoint);
  if (explicit !== undefined) return explicit;
  const perSignal = nonEmpty(options.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT);
  if (perSignal !== undefined) return perSignal;
  const base = nonEmpty(options.env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (base === undefined || options.protocol === 'grpc') return base;
  return base.endsWith('/') ? `${base}${METRICS_PATH}` : `${base}/${METRICS_PATH}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
