import {
  DEFAULT_GRPC_KEEPALIVE_MIN_TIME_MS,
  DEFAULT_GRPC_KEEPALIVE_TIME_MS,
  DEFAULT_GRPC_KEEPALIVE_TIMEOUT_MS,
  DEFAULT_GRPC_MAX_CONCURRENT_STREAMS,
  DEFAULT_GRPC_MAX_CONNECTION_IDLE_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_INFLIGHT_BYTES,
  DEFAULT_MAX_ATTRIBUTES_PER_POINT,
  DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH,
  DEFAULT_MAX_MESSAGES_PER_REQUEST,
  DEFAULT_MAX_GZIP_RATIO,
  DEFAULT_RECEIVER_CONFIG,
  formatListenAddress,
  type ListenAddress,
} from '@otel-dp/receiver-otlp';
import { formatDuration } from '../duration.js';
import type { FlagDefinition } from './flag-definition.js';

function listenText(listen: ListenAddress | 'off'): string {
  return listen === 'off' ? 'off' : formatListenAddress(listen);
}

export const HTTP_LISTEN: FlagDefinition = {
  name: 'http-listen',
  group: 'Receiver',
  value: 'HOST:PORT|off',
  description: 'OTLP/HTTP listener (POST /v1/metrics, protobuf or JSON). Port 0 picks a free port; `:PORT` listens on every interface.',
  default: listenText(DEFAULT_RECEIVER_CONFIG.httpListen),
};

export const GRPC_LISTEN: FlagDefinition = {
  name: 'grpc-listen',
  group: 'Receiver',
  value: 'HOST:PORT|off',
  description: 'OTLP/gRPC listener (MetricsService/Export). Port 0 picks a free port; `:PORT` listens on every interface.',
  default: listenText(DEFAULT_RECEIVER_CONFIG.grpcListen),
};

export const MAX_REQUEST_BYTES: FlagDefinition = {
  name: 'max-request-bytes',
  group: 'Receiver',
  value: 'BYTES',
  description: 'Largest request accepted, measured after decompression; larger ones get HTTP 413 or gRPC RESOURCE_EXHAUSTED.',
  default: String(DEFAULT_RECEIVER_CONFIG.maxRequestBytes),
};

export const MAX_GZIP_RATIO: FlagDefinition = {
  name: 'max-gzip-ratio',
  group: 'Receiver',
  value: 'NUMBER',
  description:
    'Largest ratio of inflated to compressed size of a gzip OTLP/HTTP body or OTLP/gRPC message, checked while inflating; past it the request gets HTTP 400 or gRPC INVALID_ARGUMENT. At least 1.',
  default: String(DEFAULT_MAX_GZIP_RATIO),
};

export const MAX_INFLIGHT_BYTES: FlagDefinition = {
  name: 'max-inflight-bytes',
  group: 'Receiver',
  value: 'BYTES',
  description:
    'Most bytes held by requests in flight on both listeners together (as received plus inflated, until answered); past it a request gets HTTP 503 with Retry-After or gRPC UNAVAILABLE with RetryInfo, both retried. At least twice --max-request-bytes.',
  default: String(DEFAULT_MAX_INFLIGHT_BYTES),
};

export const MAX_CONNECTIONS: FlagDefinition = {
  name: 'max-connections',
  group: 'Receiver',
  value: 'N',
  description: 'Most open connections on each listener; further ones are closed as soon as they are accepted.',
  default: String(DEFAULT_MAX_CONNECTIONS),
};

export const GRPC_MAX_CONCURRENT_STREAMS: FlagDefinition = {
  name: 'grpc-max-concurrent-streams',
  group: 'Receiver',
  value: 'N',
  description: 'Most calls open at once on one OTLP/gRPC connection (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS); clients queue the rest.',
  default: String(DEFAULT_GRPC_MAX_CONCURRENT_STREAMS),
};

export const GRPC_MAX_CONNECTION_IDLE: FlagDefinition = {
  name: 'grpc-max-connection-idle',
  group: 'Receiver',
  value: 'DURATION',
  description: "An OTLP/gRPC connection with no call open this long is closed with GOAWAY (the collector's keepalive max_connection_idle).",
  default: formatDuration(DEFAULT_GRPC_MAX_CONNECTION_IDLE_MS),
};

export const GRPC_KEEPALIVE_TIME: FlagDefinition = {
  name: 'grpc-keepalive-time',
  group: 'Receiver',
  value: 'DURATION',
  description: "How often the server pings each OTLP/gRPC connection (the collector's keepalive time).",
  default: formatDuration(DEFAULT_GRPC_KEEPALIVE_TIME_MS),
};

export const GRPC_KEEPALIVE_TIMEOUT: FlagDefinition = {
  name: 'grpc-keepalive-timeout',
  group: 'Receiver',
  value: 'DURATION',
  description: "A connection whose ping is not answered within this is closed (the collector's keepalive timeout).",
  default: formatDuration(DEFAULT_GRPC_KEEPALIVE_TIMEOUT_MS),
};

export const GRPC_KEEPALIVE_MIN_TIME: FlagDefinition = {
  name: 'grpc-keepalive-min-time',
  group: 'Receiver',
  value: 'DURATION',
  description:
    "Least time between a client's pings while a call is open (every 2h with none); the third ping too early gets GOAWAY ENHANCE_YOUR_CALM (the collector's keepalive enforcement min_time).",
  default: formatDuration(DEFAULT_GRPC_KEEPALIVE_MIN_TIME_MS),
};

export const MAX_ATTRIBUTES_PER_POINT: FlagDefinition = {
  name: 'max-attributes-per-point',
  group: 'Receiver',
  value: 'N',
  description: 'Most attributes in one attribute list (resource, scope or data point); past it the request is refused as bad data.',
  default: String(DEFAULT_MAX_ATTRIBUTES_PER_POINT),
};

export const MAX_ATTRIBUTE_VALUE_LENGTH: FlagDefinition = {
  name: 'max-attribute-value-length',
  group: 'Receiver',
  value: 'N',
  description: 'Longest attribute key or value, in characters (bytes for bytes values); past it the request is refused as bad data.',
  default: String(DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH),
};

export const MAX_MESSAGES_PER_REQUEST: FlagDefinition = {
  name: 'max-messages-per-request',
  group: 'Receiver',
  value: 'N',
  description:
    'Most resource metrics, scope metrics, metrics, data points, exemplars and quantiles in one protobuf request, counted before decoding (each decodes to an object of 50 to 200 bytes, from 2 bytes on the wire, and is charged 160 bytes against --max-inflight-bytes); past it the request is refused as bad data.',
  default: String(DEFAULT_MAX_MESSAGES_PER_REQUEST),
};

export const TLS_CERT: FlagDefinition = {
  name: 'tls-cert',
  group: 'Receiver',
  value: 'PATH',
  description: 'Server certificate chain (PEM) for both listeners, leaf first; with --tls-key it turns TLS on.',
  defaultNote: 'none: plain HTTP and gRPC',
};

export const TLS_KEY: FlagDefinition = {
  name: 'tls-key',
  group: 'Receiver',
  value: 'PATH',
  description: 'Unencrypted private key (PEM) of the --tls-cert certificate.',
};

export const TLS_CLIENT_CA: FlagDefinition = {
  name: 'tls-client-ca',
  group: 'Receiver',
  value: 'PATH',
  description: 'CA certificates (PEM): clients must present a certificate signed by one of them (mutual TLS).',
  defaultNote: 'no client certificate asked for',
};
