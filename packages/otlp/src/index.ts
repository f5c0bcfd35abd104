export {
  AggregationTemporality,
  FLAG_NO_RECORDED_VALUE,
  type AnyValue,
  type ArrayValue,
  type Exemplar,
  type ExponentialHistogram,
  type ExponentialHistogramBuckets,
  type ExponentialHistogramDataPoint,
  type ExportMetricsPartialSuccess,
  type ExportMetricsServiceRequest,
  type ExportMetricsServiceResponse,
  type Gauge,
  type Histogram,
  type HistogramDataPoint,
  type InstrumentationScope,
  type KeyValue,
  type KeyValueList,
  type Metric,
  type NumberDataPoint,
  type ProtoAny,
  type Resource,
  type ResourceMetrics,
  type RpcStatus,
  type ScopeMetrics,
  type Sum,
  type Summary,
  type SummaryDataPoint,
  type ValueAtQuantile,
} from './types.js';
export { OtlpAttributeLimitError, OtlpDecodeError } from './decode-error.js';
export { MAX_ANY_VALUE_DEPTH } from './decode-common.js';
export { MAX_REPEATED_VALUES } from './decode-packed.js';
export { decodeMetricsRequest, decodeMetricsResponse, decodeRpcStatus, type DecodeLimits } from './decode-service.js';
export { encodeMetricsRequest, encodeMetricsResponse, encodeRpcStatus } from './encode-service.js';
export { countDataPoints } from './count-data-points.js';
export { countMetricsMessages, countTraceMessages } from './count-messages.js';
export { METRICS_EXPORT_PATH, METRICS_SERVICE_NAME, METRICS_EXPORT_GRPC_PATH } from './service-paths.js';
export { decodeMetricsRequestJson, decodeMetricsResponseJson, decodeRpcStatusJson } from './json-decode-service.js';
export { encodeMetricsRequestJson, encodeMetricsResponseJson, encodeRpcStatusJson } from './json-encode.js';
export {
  SpanKind,
  StatusCode,
  type ExportTracePartialSuccess,
  type ExportTraceServiceRequest,
  type ExportTraceServiceResponse,
  type ResourceSpans,
  type ScopeSpans,
  type Span,
} from './types-traces.js';
export { decodeTraceRequest, decodeTraceResponse, type TraceDecodeOptions } from './decode-traces.js';
export type { SpanAttributeSelection } from './span-attribute-selection.js';
export { decodeTraceRequestJson, decodeTraceResponseJson } from './json-decode-traces.js';
export { encodeTraceRequest, encodeTraceResponse, encodeTraceResponseJson } from './encode-traces.js';
export { encodeTraceRequestJson } from './json-encode-traces.js';
export { countSpans } from './count-spans.js';
export { MAX_SPAN_DURATION_NANOS, spanTimeFault, type SpanTimeFault } from './span-times.js';
export { TRACES_EXPORT_PATH, TRACES_SERVICE_NAME, TRACES_EXPORT_GRPC_PATH } from './service-paths.js';
export {
  RETRY_INFO_TYPE_URL,
  decodeRetryInfo,
  durationFromSeconds,
  encodeRetryInfo,
  retryInfoDetail,
  type ProtoDuration,
  type RetryInfo,
} from './retry-info.js';
export { ProtoReader } from './proto-reader.js';
export { ProtoWriter } from './proto-writer.js';
export { WIRE_EGROUP, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_SGROUP, WIRE_VARINT, fieldTag } from './wire-format.js';
export { CodedError } from './coded-error.js';
