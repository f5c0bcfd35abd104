import type { Span } from './types-traces.js';

/**
 * The longest span taken as a real one: a week, in nanoseconds. A request,
 * a job or a consumer's batch lasts seconds to hours; a span of weeks or
 * years is a clock fault or a zero start time (end − 0 is 56 years), and
 * counted as a duration it would put a value no clip range foresees into the
 * token's histogram.
 */
export const MAX_SPAN_DURATION_NANOS = 7n * 24n * 3600n * 1_000_000_000n;

/** What is wrong with a span's times, if anything. */
export type SpanTimeFault = 'ends-before-start' | 'too-long';

/** `ends-before-start` when end < start, `too-long` past {@link MAX_SPAN_DURATION_NANOS}; undefined for a usable span. */
export function spanTimeFault(span: Pick<Span, 'startTimeUnixNano' | 'endTimeUnixNano'>): SpanTimeFault | undefined {
  const duration = span.endTimeUnixNano - span.startTimeUnixNano;
  if (duration < 0n) return 'ends-before-start';
  return duration > MAX_SPAN_DURATION_NANOS ? 'too-long' : undefined;
}
