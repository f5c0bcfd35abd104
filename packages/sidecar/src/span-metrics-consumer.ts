import type { ExportTraceServiceRequest } from '@otel-dp/otlp';
import type { MetricsConsumer, TraceConsumeResult, TraceConsumer } from '@otel-dp/pipeline';
import { spanMetrics, type UntokenedPolicy } from '@otel-dp/processor-dp';
import type { SpanMetricsSettings } from './span-metrics-config.js';

const NANOS_PER_MILLI = 1_000_000n;

export interface SpanMetricsConsumerOptions {
  tokenAttribute: string;
  untokened: UntokenedPolicy;
  settings: SpanMetricsSettings;
  /** Milliseconds since the epoch, stamped on the span metrics; default Date.now. */
  now?: () => number;
}

/**
 * Received spans → span metrics → the DP processor that takes the metrics:
 * one window, one budget and one privacy unit (the token) for spans and
 * metrics together. Spans themselves go nowhere.
 *
 * What a partial success reports as rejected spans:
 * - under `--untokened drop`, spans without a token;
 * - spans that end before they start or last more than a week (the receiver
 *   refuses such requests whole; a library caller may not);
 * - of the spans counted, the share the processor refused of their points.
 *   Every counted span stands behind exactly one calls point and one
 *   duration point, of its group (token and dimensions). The processor
 *   reports how many points it refused, not which, so the spans reported
 *   are the counted spans times refused points over points produced,
 *   rounded: all of them when every point is refused, none when none is,
 *   and exact when the request's groups are of one size.
 * Spans of kinds `--span-kinds` leaves out are neither counted nor rejected.
 */
export class SpanMetricsConsumer implements TraceConsumer {
  readonly #processor: MetricsConsumer;
  readonly #options: SpanMetricsConsumerOptions;
  readonly #now: () => number;

  constructor(processor: MetricsConsumer, options: SpanMetricsConsumerOptions) {
    this.#processor = processor;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async consume(request: ExportTraceServiceRequest): Promise<TraceConsumeResult> {
    const { tokenAttribute, untokened, settings } = this.#options;
    const result = spanMetrics(request, { ...settings, tokenAttribute, untokened, timeUnixNano: BigInt(this.#now()) * NANOS_PER_MILLI });
    const parts: string[] = [];
    let rejected = result.invalid;
    if (untokened === 'drop' && result.untokened > 0) {
      rejected += result.untokened;
      parts.push(`${result.untokened} spans without the ${tokenAttribute} attribute were dropped`);
    }
    if (result.invalid > 0) parts.push(`${result.invalid} spans ending before they start or lasting more than a week were dropped`);
    if (result.counted > 0) {
      const points = 2 * groupsOf(result.metrics);
      const processed = await this.#processor.consume(result.metrics);
      const refusedPoints = Math.min(processed.rejectedDataPoints, points);
      const refusedSpans = Math.round((result.counted * refusedPoints) / points);
      rejected += refusedSpans;
      if (refusedSpans > 0) parts.push(`${refusedSpans} spans were dropped with their span metrics: ${processed.errorMessage}`);
      else if (processed.errorMessage !== '') parts.push(processed.errorMessage);
    }
    return { rejectedSpans: rejected, errorMessage: parts.join('; ') };
  }
}

/** The groups (calls points) of a span metrics request. */
function groupsOf(metrics: ReturnType<typeof spanMetrics>['metrics']): number {
  return metrics.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.sum?.dataPoints.length ?? 0;
}
