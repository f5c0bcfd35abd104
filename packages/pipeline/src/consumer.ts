import type { ExportMetricsServiceRequest, ExportTraceServiceRequest } from '@otel-dp/otlp';

/**
 * What a consumer reports back for a request it accepted: how many data
 * points it refused to carry on and why (OTLP `partial_success`). A refusal
 * here is final; the client must not retry it.
 */
export interface ConsumeResult {
  rejectedDataPoints: number;
  /** Empty when nothing was rejected. Never contains a token value. */
  errorMessage: string;
}

/**
 * Receiver → processor. `consume` resolves once the data is safely held (in
 * the processor's open window); it rejects with a {@link PipelineError} whose
 * `retryable` flag tells the receiver how to answer the client.
 *
 * Ownership: the caller hands the request over and does not read or change it
 * afterwards; the consumer may keep references into it.
 */
export interface MetricsConsumer {
  consume(request: ExportMetricsServiceRequest): Promise<ConsumeResult>;
}

/**
 * What a trace consumer reports back for a request it accepted: how many
 * spans it refused to count and why (OTLP `partial_success` of
 * `ExportTraceServiceResponse`). A refusal here is final; the client must
 * not retry it.
 */
export interface TraceConsumeResult {
  rejectedSpans: number;
  /** Empty when nothing was rejected. Never contains a token value. */
  errorMessage: string;
}

/**
 * Receiver → span metrics. As {@link MetricsConsumer}, for traces: `consume`
 * resolves once what the spans contribute is safely held, and rejects with a
 * {@link PipelineError} whose `retryable` flag tells the receiver how to
 * answer.
 *
 * Ownership: the caller hands the request over and does not read or change
 * it afterwards; the consumer may keep references into it.
 */
export interface TraceConsumer {
  consume(request: ExportTraceServiceRequest): Promise<TraceConsumeResult>;
  /**
   * The span attributes the consumer reads, when it reads no others and no
   * span ids: the receiver may then hand it spans with only these
   * attributes and empty ids, which decode faster. Undefined: whole spans.
   */
  readonly spanAttributes?: readonly string[];
}
