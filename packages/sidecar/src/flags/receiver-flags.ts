import {
  DEFAULT_MAX_ATTRIBUTES_PER_POINT,
  DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH,
  DEFAULT_MAX_GZIP_RATIO,
  DEFAULT_RECEIVER_CONFIG,
  formatListenAddress,
  type ListenAddress,
} from '@otel-dp/receiver-otlp';
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
  description: 'Largest ratio of inflated to compressed size of a gzip OTLP/HTTP body; past it the request gets HTTP 400. At least 1.',
  default: String(DEFAULT_MAX_GZIP_RATIO),
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
