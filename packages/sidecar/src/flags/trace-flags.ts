import { DEFAULT_SPAN_CALLS_PER_WINDOW, DEFAULT_SPAN_DURATION_CLIP_MS, SPAN_KIND_NAMES } from '@otel-dp/processor-dp';
import { SPAN_DURATION_HISTOGRAMS, type FlagDefinition } from './flag-definition.js';

/** Flags of the span metrics made from received traces. */

export const SPAN_DIMENSION: FlagDefinition = {
  name: 'span-dimension',
  group: 'Traces',
  value: 'NAME',
  description:
    'Span attribute added as a dimension of traces.span.metrics.*, looked up on the span, then its resource; a span with neither has no such attribute. ' +
    `Beside service.name, span.name, span.kind and status.code, always there. Each dimension multiplies the series a token feeds. Repeatable.`,
  defaultNote: 'none',
  repeatable: true,
};

export const SPAN_KINDS: FlagDefinition = {
  name: 'span-kinds',
  group: 'Traces',
  value: 'KIND,KIND',
  description: `Span kinds counted in span metrics, comma-separated, from ${SPAN_KIND_NAMES.join(', ')}; other spans are skipped (not rejected).`,
  defaultNote: 'all kinds',
};

export const SPAN_DURATION_HISTOGRAM: FlagDefinition = {
  name: 'span-duration-histogram',
  group: 'Traces',
  value: SPAN_DURATION_HISTOGRAMS.join('|'),
  description:
    "traces.span.metrics.duration as the spanmetrics connector's explicit buckets (2 ms to 15 s), or as an exponential histogram at --exp-histogram-scale with at most --exp-histogram-buckets buckets. " +
    `Span metrics clip to ${DEFAULT_SPAN_CALLS_PER_WINDOW} calls per token, series and window and to 0:${DEFAULT_SPAN_DURATION_CLIP_MS} ms per duration unless a --clip or --clip-count rule matches their names.`,
  default: 'explicit',
};
