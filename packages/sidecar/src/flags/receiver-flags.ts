import { DEFAULT_RECEIVER_CONFIG, formatListenAddress, type ListenAddress } from '@otel-dp/receiver-otlp';
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
