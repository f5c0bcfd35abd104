import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CryptoRandomSource,
  DEFAULT_DP_CONFIG,
  SPAN_CALLS_METRIC,
  SPAN_DURATION_METRIC,
  calibrateWindow,
  sampleDiscreteGaussian,
  sampleDiscreteLaplace,
  type DpProcessorConfig,
  type NoiseMechanismName,
  type OutputTemporality,
} from '@otel-dp/processor-dp';
import type { EpsilonAuditResult } from './epsilon-audit.js';
import { auditMultiWindow, describeMultiWindowAudit, type MultiWindowAuditResult } from './multi-window-audit.js';
import { ADVERSARY_TOKEN, TOKEN_ATTRIBUTE } from './neighbours.js';
import { describeOneWindowAudit } from './one-window-audit.js';
import { ADVERSARY_SPANS, SHARED_SPAN, convertedNeighbours, spanAuditConfig, spanAuditStreams, spanWindowStreams, spanWindowsConfig } from './span-neighbours.js';

/**
 * The privacy audits on the span path: one token's spans present or absent,
 * turned into span metrics by the real `spanMetrics()` and released by the
 * real DpProcessor with its real noise (see `span-neighbours.ts` for the
 * inputs).
 *
 * Single window: the configuration, events and false-alarm rate of
 * `privacy-audit.test.ts` (ε = 1, δ = 1e-3, k = 1, 20,000 runs a side; each
 * ε_lb ≤ ε assertion fails by chance with probability at most 1e-6), and its
 * analysis: X keeps its shared route's calls in half the runs, so a correct
 * processor shows ε_true ≤ 0.62 and one with the noise scale halved 1.43.
 * The rates measured on the span path match the metric path's: for the
 * halved noise, "released, value ≥ total" has P[· | D′] ≈ 0.135 against
 * P[· | D] ≈ 0.033. At 20,000 runs that leaves ε_lb near 1.12 with a
 * standard deviation near 0.04, missed about once in 2,000 audits (the
 * simulation described in `privacy-audit.test.ts`); at the 40,000 runs the
 * broken audit uses, ε_lb is near 1.21 with 0.03, a miss about 7 standard
 * deviations away.
 *
 * Many windows: `multi-window-audit.test.ts`'s statistics and tolerances
 * (three lower bounds at z = 5.2, family false alarm below 3e-7) on the calls
 * of one public route, X present in every window. The series and X's push
 * have the same noise and bound as the metric path's queue series, so its
 * power analysis holds too: the √2-too-small noise is missed with
 * probability below 1e-6 at 8 windows and 6,400 runs a side.
 */
const random = new CryptoRandomSource();
const WINDOWS = 64;
const WINDOW_RUNS = 400;
const BROKEN_WINDOWS = 8;
const BROKEN_WINDOW_RUNS = 6400;

function auditConfig(mechanism: NoiseMechanismName): DpProcessorConfig {
  return spanAuditConfig({ ...DEFAULT_DP_CONFIG, mechanism, epsilon: 1, delta: 1e-3, maxSeriesPerToken: 1, windowMillis: 1000, outputTemporality: 'delta' });
}

const laplace = auditConfig('laplace');
const gaussian = auditConfig('gaussian');

/** The processor refuses X's backwards and decades-long spans, two per run (see the neighbours test), and nothing else. */
function assertCleanRuns(result: EpsilonAuditResult): void {
  assert.deepEqual(result.problems, []);
  assert.equal(result.rejectedWith, 2 * result.runs);
  assert.equal(result.rejectedWithout, 0);
  assert.equal(result.offGridValues, 0, 'every released value is a finite multiple of its grid');
}

describe('span path: the neighbouring traces are the worst case described', () => {
  test("spanMetrics counts X's spans above the clip, refuses its backwards and decades-long spans, and finds its token on the resource", () => {
    const { selectionThreshold } = calibrateWindow(laplace);
    const converted = convertedNeighbours(laplace, selectionThreshold - 1);
    assert.deepEqual([converted.without.invalid, converted.without.untokened], [0, 0]);
    assert.deepEqual([converted.with.invalid, converted.with.untokened], [2, 0]);
    const calls = converted.with.metrics.resourceMetrics[0].scopeMetrics[0].metrics.find((metric) => metric.name === SPAN_CALLS_METRIC)!;
    const adversaryShared = calls.sum!.dataPoints.find(
      (point) =>
        point.attributes.some((a) => a.key === TOKEN_ATTRIBUTE && a.value.stringValue === ADVERSARY_TOKEN) &&
        point.attributes.some((a) => a.key === 'span.name' && a.value.stringValue === SHARED_SPAN),
    );
    assert.equal(adversaryShared?.asInt, BigInt(ADVERSARY_SPANS));
    assert.ok(ADVERSARY_SPANS > laplace.clip[0].upper, 'X sends more calls than one token may add');
    // Honest tokens: one calls series (1 unit) and one duration histogram (2 units) each; k = 1 keeps the calls.
    const durations = converted.without.metrics.resourceMetrics[0].scopeMetrics[0].metrics.find((metric) => metric.name === SPAN_DURATION_METRIC)!;
    assert.equal(durations.histogram!.dataPoints.length, calls.sum!.dataPoints.length - 2);
  });
});

describeOneWindowAudit('empirical privacy audit of the span path, one window', {
  label: 'spans, ',
  laplace,
  gaussian,
  random,
  streams: spanAuditStreams,
  assertCleanRuns,
});

describe('multi-window audit of the span path: a token whose spans are in every window costs what the accountant books', () => {
  async function audit(mechanism: NoiseMechanismName, temporality: OutputTemporality, windows: number, runs: number, broken: boolean): Promise<MultiWindowAuditResult> {
    const config = spanWindowsConfig(mechanism, temporality, windows);
    const noiseSampler = !broken
      ? undefined
      : mechanism === 'gaussian'
        ? (scale: number) => sampleDiscreteGaussian(random, scale / Math.SQRT2)
        : (scale: number) => sampleDiscreteLaplace(random, scale / Math.SQRT2);
    const result = await auditMultiWindow({ config, windows, runs, random, noiseSampler, streams: spanWindowStreams(config) });
    assert.deepEqual(result.problems, []);
    assert.equal(result.missingValues, 0, 'a public series is released in every window');
    assert.deepEqual(result.reportedSpends, [result.booking.status.spentEpsilon]);
    return result;
  }

  for (const [mechanism, temporality] of [
    ['laplace', 'delta'],
    ['gaussian', 'cumulative'],
  ] as const) {
    test(`${mechanism}, ${temporality}, ${WINDOWS} windows: no statistic separates beyond the booked ρ`, async (t) => {
      const result = await audit(mechanism, temporality, WINDOWS, WINDOW_RUNS, false);
      for (const line of describeMultiWindowAudit(`spans, ${mechanism}, ${temporality}`, result)) t.diagnostic(line);
      assert.ok(result.lowerBound <= result.bound, `lower bound ${result.lowerBound} above √(e^{2ρ} − 1) = ${result.bound}`);
      const fixed = result.statistics[mechanism === 'gaussian' ? 0 : 1];
      assert.ok(fixed.separation.lowerBound > 0, `${fixed.name}: X is not visible (${fixed.separation.estimate})`);
    });
  }

  test(`gaussian, delta, ${BROKEN_WINDOWS} windows, noise √2 too small: the audit sees more than the booked ρ`, async (t) => {
    const result = await audit('gaussian', 'delta', BROKEN_WINDOWS, BROKEN_WINDOW_RUNS, true);
    for (const line of describeMultiWindowAudit('spans, gaussian, delta, broken', result)) t.diagnostic(line);
    assert.ok(result.lowerBound > result.bound, `lower bound ${result.lowerBound} not above √(e^{2ρ} − 1) = ${result.bound}`);
  });
});
