/** OTLP/HTTP path of the metrics export endpoint (POST). */
export const METRICS_EXPORT_PATH = '/v1/metrics';

/** Fully qualified gRPC service name of the metrics export service. */
export const METRICS_SERVICE_NAME = 'opentelemetry.proto.collector.metrics.v1.MetricsService';

/** gRPC method path of MetricsService.Export (unary). */
export const METRICS_EXPORT_GRPC_PATH = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';
