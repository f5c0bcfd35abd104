import { COMPRESSIONS, EXPORTER_KINDS, OTLP_PROTOCOL_NAMES, type FlagDefinition } from './flag-definition.js';

export const EXPORTER: FlagDefinition = {
  name: 'exporter',
  group: 'Exporter',
  value: EXPORTER_KINDS.join('|'),
  description:
    'Where released windows go: an OTLP backend, a readable block per window on stdout, or Prometheus remote write. ' +
    'Repeatable: each window goes to every exporter listed, each behind its own queue. ' +
    'Unset: otlp when an OTLP endpoint is set, prometheus-remote-write when --remote-write-url is set, debug when neither is.',
  defaultNote: 'each one whose destination is set, else debug',
  repeatable: true,
};

export const OTLP_ENDPOINT: FlagDefinition = {
  name: 'otlp-endpoint',
  group: 'Exporter',
  value: 'URL',
  description:
    'Backend URL. http/*: the exact POST URL; grpc: http://HOST:PORT or https://HOST:PORT. When unset: ' +
    'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT as is, else OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/metrics for http/*).',
  defaultNote: 'from OTEL_EXPORTER_OTLP_[METRICS_]ENDPOINT',
};

export const OTLP_PROTOCOL: FlagDefinition = {
  name: 'otlp-protocol',
  group: 'Exporter',
  value: OTLP_PROTOCOL_NAMES.join('|'),
  description: 'OTLP transport and encoding.',
  default: 'http/protobuf',
  standardEnv: ['OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'],
};

export const OTLP_HEADER: FlagDefinition = {
  name: 'otlp-header',
  group: 'Exporter',
  value: 'KEY=VALUE',
  description: 'Extra request header (gRPC metadata), added to OTEL_EXPORTER_OTLP_HEADERS; a flag wins for the same key. Repeatable. Values are never logged.',
  repeatable: true,
};

export const OTLP_COMPRESSION: FlagDefinition = {
  name: 'otlp-compression',
  group: 'Exporter',
  value: COMPRESSIONS.join('|'),
  description: 'Compression of export request bodies.',
  default: 'gzip',
};

export const OTLP_TIMEOUT: FlagDefinition = {
  name: 'otlp-timeout',
  group: 'Exporter',
  value: 'DURATION',
  description: 'Limit on one export attempt; 0s means no limit. Failed attempts are retried with backoff.',
  default: '10s',
};

export const REMOTE_WRITE_URL: FlagDefinition = {
  name: 'remote-write-url',
  group: 'Exporter',
  value: 'URL',
  description: 'Prometheus remote-write receiver, e.g. http://prometheus:9090/api/v1/write. Needed by --exporter prometheus-remote-write.',
};

export const REMOTE_WRITE_HEADER: FlagDefinition = {
  name: 'remote-write-header',
  group: 'Exporter',
  value: 'KEY=VALUE',
  description: 'Extra remote-write request header (authentication, X-Scope-OrgID). Repeatable. Values are never logged.',
  repeatable: true,
};
