import { AggregationTemporality, type ExportMetricsServiceRequest, type KeyValue, type NumberDataPoint } from '@otel-dp/otlp';
import {
  DEFAULT_DP_CONFIG,
  SELECTION_BUDGET_SHARE,
  epsilonForZcdp,
  type DpProcessorConfig,
  type NoiseMechanismName,
  type OutputTemporality,
  type UndeclaredSeriesPolicy,
} from '@otel-dp/processor-dp';

/**
 * Neighbouring streams for the multi-window audit: D is three honest tokens
 * adding fixed amounts to one up-down counter on one route, every window;
 * D′ is D plus a token X that pushes the counter by its full clip bound in
 * every window. Resource and route are declared public, so the series is
 * released every window from the first on, with no partition selection:
 * X's only effect is on the released values, window after window.
 *
 * The counter is non-monotonic (an up-down counter) because its output is
 * the raw noisy value in both temporalities: a monotonic sum goes through
 * the monotone envelope, post-processing that is free for privacy but would
 * bend the linear statistics the audit fits, while telling nothing about the
 * noise.
 */

export const QUEUE_METRIC = 'messaging.queue.depth.change';
export const QUEUE_ROUTE = '/orders';
export const SERVICE_NAME = 'order-queue';
/** Clip range of one token's window total; X's push is the upper bound, its sensitivity. */
export const QUEUE_CLIP = { lower: -100, upper: 100 };
/** The honest tokens' window totals; fixed numbers, so the noise is the audit's only randomness. */
const HONEST_CHANGES = [7, -3, 12];
/** The honest total of the series in every window. */
export const HONEST_TOTAL = HONEST_CHANGES.reduce((total, change) => total + change, 0);
/** More than any clip bound: clamped to QUEUE_CLIP.upper at intake. */
const ADVERSARY_CHANGE = 1e300;

export const WINDOW_MILLIS = 1000;

/**
 * The zCDP ρ, summed over the audited windows, that the value noise of a
 * correct release spends. A correct Gaussian release separates D from D′
 * by √(2ρ), one whose noise is √2 too small by 2√ρ, and the audit's bound is
 * √(e^{2ρ} − 1): 0.225 maximises the gap between the last two in units of
 * the separation's standard error √((2 + 2ρ)/runs).
 */
export const TARGET_VALUE_RHO = 0.225;

/** D and D′ as one request per window (each run sends the same requests). */
export interface MultiWindowInputs {
  without: ExportMetricsServiceRequest[];
  with: ExportMetricsServiceRequest[];
}

export function multiWindowInputs(windows: number): MultiWindowInputs {
  const honest = HONEST_CHANGES.map((change, i) => point(change, `tok-queue-${i}`));
  const without = request(honest);
  const withAdversary = request([...honest, point(ADVERSARY_CHANGE, 'tok-adversary')]);
  return { without: new Array(windows).fill(without), with: new Array(windows).fill(withAdversary) };
}

/**
 * The configuration audited over `windows` windows: k = 1, the series public,
 * the budget horizon exactly the audited windows (so the accountant composes
 * all of them), and a per-window ε that makes the value noise of the n
 * windows spend {@link TARGET_VALUE_RHO}:
 *
 * - Gaussian: the window's ρ goes to values in the share v (1 − s when
 *   undeclared series are selected, 1 when they are dropped), so the window
 *   books ρ_w = TARGET/(n·v) and ε is the smallest giving it;
 * - Laplace: values get ε·v, which is ((ε·v)²/2)-zCDP, so ε = √(2·TARGET/n)/v.
 */
export function multiWindowConfig(
  mechanism: NoiseMechanismName,
  outputTemporality: OutputTemporality,
  windows: number,
  undeclaredSeries: UndeclaredSeriesPolicy = 'select',
): DpProcessorConfig {
  const valueShare = undeclaredSeries === 'drop' ? 1 : 1 - SELECTION_BUDGET_SHARE;
  const delta = 1e-6;
  // Under selection half of δ pays for it; dropping undeclared series leaves all of δ to the conversion.
  const conversionDelta = undeclaredSeries === 'drop' ? delta : delta / 2;
  const epsilon =
    mechanism === 'gaussian'
      ? epsilonForZcdp({ rho: TARGET_VALUE_RHO / (windows * valueShare), delta: conversionDelta })
      : Math.sqrt((2 * TARGET_VALUE_RHO) / windows) / valueShare;
  return {
    ...DEFAULT_DP_CONFIG,
    mechanism,
    epsilon,
    delta,
    maxSeriesPerToken: 1,
    windowMillis: WINDOW_MILLIS,
    outputTemporality,
    undeclaredSeries,
    budgetHorizonMillis: windows * WINDOW_MILLIS,
    clip: [{ pattern: QUEUE_METRIC, ...QUEUE_CLIP }],
    publicAttributes: { 'service.name': [SERVICE_NAME], route: [QUEUE_ROUTE] },
  };
}

function attributes(values: Record<string, string>): KeyValue[] {
  return Object.entries(values).map(([key, value]) => ({ key, value: { stringValue: value } }));
}

function point(value: number, token: string): NumberDataPoint {
  return { attributes: attributes({ route: QUEUE_ROUTE, 'api.token': token }), startTimeUnixNano: 0n, timeUnixNano: 0n, asDouble: value, exemplars: [], flags: 0 };
}

function request(points: NumberDataPoint[]): ExportMetricsServiceRequest {
  return {
    resourceMetrics: [
      {
        resource: { attributes: attributes({ 'service.name': SERVICE_NAME }), droppedAttributesCount: 0 },
        scopeMetrics: [
          {
            scope: { name: 'audit', version: '1', attributes: [], droppedAttributesCount: 0 },
            metrics: [
              {
                name: QUEUE_METRIC,
                description: 'change of the queue depth',
                unit: '{message}',
                metadata: [],
                sum: { dataPoints: points, aggregationTemporality: AggregationTemporality.DELTA, isMonotonic: false },
              },
            ],
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  };
}
