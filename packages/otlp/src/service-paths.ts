/** OTLP/HTTP path of the metrics export endpoint (POST). */
export const METRICS_EXPORT_PATH = '/v1/metrics';

/** Fully qualified gRPC service name of the metrics export service. */
export const METRICS_SERVICE_NAME = 'opentelemetry.proto.collector.metrics.v1.MetricsService';

/** gRPC method path of MetricsService.Export (unary). */
export const METRICS_EXPORT_GRPC_PATH = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';

/** OTLP/HTTP path of the trace export endpoint (POST). */
export const TRACES_EXPORT_PATH = '/v1/traces';

/** Fully qualified gRPC service name of the trace export service. */
export const TRACES_SERVICE_NAME = 'opentelemetry.proto.collector.trace.v1.TraceService';

/** gRPC method path of TraceService.Export (unary). */
export const TRACES_EXPORT_GRPC_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
