import { spanTimeFault, type ExportTraceServiceRequest, type ExportTraceServiceResponse } from '@otel-dp/otlp';
import { type TraceConsumeResult, type TraceConsumer } from '@otel-dp/pipeline';
import { InvalidSpanError } from './errors.js';
import type { AttributeLimits } from './limits.js';

/** The answer to a trace Export call, and what the stats need of it. */
export interface TraceExportResult {
  response: ExportTraceServiceResponse;
  /** Spans the consumer rejected in a partial success. */
  rejectedSpans: number;
}

/**
 * The transport-independent half of a trace Export call: checks the
 * attribute limits and the span times, hands a decoded request of `spans`
 * spans to the consumer and builds the OTLP response. A request without
 * spans succeeds without reaching the consumer, as the specification asks.
 * @throws {AttributeLimitError} when an attribute list is past a limit.
 * @throws {InvalidSpanError} for a span ending before it starts or lasting more than a week.
 */
export async function exportTraces(
  request: ExportTraceServiceRequest,
  spans: number,
  context: { traceConsumer: TraceConsumer; attributeLimits: AttributeLimits },
): Promise<TraceExportResult> {
  if (spans === 0) return { response: {}, rejectedSpans: 0 };
  context.attributeLimits.checkTraces(request);
  checkSpanTimes(request);
  const result = await context.traceConsumer.consume(request);
  return { response: toTraceExportResponse(result), rejectedSpans: result.rejectedSpans };
}

/**
 * Refuses the whole request at the first span whose times no request has:
 * OTLP cannot say which spans of a request were refused for what, and a
 * client that sends one such span has a clock or instrumentation fault to
 * fix, not data to retry.
 * @throws {InvalidSpanError} locating the span by position only.
 */
export function checkSpanTimes(request: ExportTraceServiceRequest): void {
  const resources = request.resourceSpans;
  for (let r = 0; r < resources.length; r++) {
    const scopes = resources[r].scopeSpans;
    for (let s = 0; s < scopes.length; s++) {
      const spans = scopes[s].spans;
      for (let i = 0; i < spans.length; i++) {
        const fault = spanTimeFault(spans[i]);
        if (fault === undefined) continue;
        const where = `span ${i} of resourceSpans[${r}].scopeSpans[${s}]`;
        if (fault === 'ends-before-start') {
          throw new InvalidSpanError('RECEIVER_SPAN_ENDS_BEFORE_START', `${where} ends before it starts (endTimeUnixNano < startTimeUnixNano)`);
        }
        throw new InvalidSpanError('RECEIVER_SPAN_TOO_LONG', `${where} lasts more than a week (endTimeUnixNano − startTimeUnixNano); is a time missing or in the wrong unit?`);
      }
    }
  }
}

/**
 * `partialSuccess` is set when spans were rejected or the consumer left a
 * warning, and unset on full success.
 * @throws {RangeError} when the consumer reports a count that is not a whole number.
 */
export function toTraceExportResponse(result: TraceConsumeResult): ExportTraceServiceResponse {
  const rejected = result.rejectedSpans;
  if (!Number.isSafeInteger(rejected) || rejected < 0) {
    throw new RangeError(`consumer reported rejectedSpans ${String(rejected)}, must be a whole number of at least 0`);
  }
  if (rejected === 0 && result.errorMessage === '') return {};
  return { partialSuccess: { rejectedSpans: BigInt(rejected), errorMessage: result.errorMessage } };
}
