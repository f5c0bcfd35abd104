import { AggregationTemporality, type ExportMetricsServiceRequest, type Metric, type NumberDataPoint } from '@otel-dp/otlp';
import { TOKEN_ATTRIBUTE } from './workload.js';

/** A population of (token, series) pairs: every token touches the same `seriesPerToken` series. */
export interface StateShape {
  tokens: number;
  seriesPerToken: number;
  /** `delta` sums go straight into the window; `cumulative` ones also keep a per-(token, series) baseline. */
  temporality: 'delta' | 'cumulative';
}

/** Points per request, as in the load generator's requests. */
export const STATE_POINTS_PER_REQUEST = 1000;
/** Series are spread over this many metrics, then over routes within a metric. */
const METRICS = 10;
const START_TIME_UNIX_NANO = 1_600_000_000_000_000_000n;
const PASS_STEP_NANO = 10_000_000_000n;

/**
 * Writes token values through one buffer, so each is a flat one-byte string
 * as a protobuf decoder would produce (a template literal of this length
 * would be a rope with an extra object per token, and inflate the measure).
 */
class TokenText {
  private readonly buffer = Buffer.alloc(32);

  value(index: number): string {
    this.buffer.write(`bench-token-${index.toString(16).padStart(20, '0')}`, 0, 'latin1');
    return this.buffer.toString('latin1');
  }
}

/**
 * The requests of one pass over every (token, series) pair, token by token,
 * `STATE_POINTS_PER_REQUEST` points each. Each pass stamps its points 10 s
 * after the previous pass and raises cumulative values by one, so the second
 * pass of cumulative input yields a delta for every pair.
 */
export function* stateRequests(shape: StateShape, pass: number): Generator<ExportMetricsServiceRequest> {
  const total = shape.tokens * shape.seriesPerToken;
  const tokens = new TokenText();
  const metricCount = Math.min(METRICS, shape.seriesPerToken);
  const routes = Array.from({ length: Math.ceil(shape.seriesPerToken / metricCount) }, (_, i) => `/v1/resource-${i}`);
  const timeUnixNano = START_TIME_UNIX_NANO + BigInt(pass + 1) * PASS_STEP_NANO;
  for (let first = 0; first < total; first += STATE_POINTS_PER_REQUEST) {
    const byMetric: NumberDataPoint[][] = Array.from({ length: metricCount }, () => []);
    const end = Math.min(total, first + STATE_POINTS_PER_REQUEST);
    let token = '';
    let tokenIndex = -1;
    for (let i = first; i < end; i++) {
      const t = Math.floor(i / shape.seriesPerToken);
      const s = i - t * shape.seriesPerToken;
      if (t !== tokenIndex) {
        tokenIndex = t;
        token = tokens.value(t);
      }
      byMetric[s % metricCount].push({
        attributes: [
          { key: TOKEN_ATTRIBUTE, value: { stringValue: token } },
          { key: 'http.route', value: { stringValue: routes[Math.floor(s / metricCount)] } },
          { key: 'http.request.method', value: { stringValue: 'GET' } },
        ],
        startTimeUnixNano: START_TIME_UNIX_NANO,
        timeUnixNano,
        ...(shape.temporality === 'delta' ? { asDouble: 1 } : { asInt: BigInt(pass + 1) }),
        exemplars: [],
        flags: 0,
      });
    }
    const metrics: Metric[] = [];
    byMetric.forEach((dataPoints, m) => {
      if (dataPoints.length === 0) return;
      const aggregationTemporality = shape.temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
      metrics.push({ name: `bench.requests.${m}`, description: '', unit: '{request}', metadata: [], sum: { aggregationTemporality, isMonotonic: true, dataPoints } });
    });
    yield {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench-state' } }], droppedAttributesCount: 0 },
          scopeMetrics: [{ scope: { name: 'bench', version: '1', attributes: [], droppedAttributesCount: 0 }, metrics, schemaUrl: '' }],
          schemaUrl: '',
        },
      ],
    };
  }
}
