import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { calibrateWindow, sampleDiscreteLaplace, type DpProcessorConfig, type RandomSource } from '@otel-dp/processor-dp';
import { binomialCountBound } from './clopper-pearson.js';
import { auditEpsilon, describeAudit, type EpsilonAuditOptions, type EpsilonAuditResult } from './epsilon-audit.js';

// The single-window audit's runs, events and tests, shared by every path
// into the processor (metrics, spans). Why these numbers, and what they can
// show, is in `privacy-audit.test.ts`.

/** Runs a side of the correct Laplace audit. */
export const RUNS = 20_000;
/** Runs a side of the audit with the noise scale halved: at 20,000 it is missed about once in 2,000 audits, at 40,000 a miss is about 7 standard deviations away. */
export const BROKEN_RUNS = 40_000;
/** The Gaussian audit only has to stay below ε (its loss is far from the bound), so it runs fewer. */
export const GAUSSIAN_RUNS = 10_000;
/** Event thresholds above the shared route's honest total, in clip bounds: around X's push of one bound. */
export const THRESHOLDS: readonly number[] = [0, 0.5, 1, 1.5];
/** False-alarm rate of each count bound on X's own route. */
const PRIVATE_ROUTE_FALSE_ALARM = 1e-6;

export interface OneWindowAuditSetup {
  /** What the test titles and diagnostics start with, e.g. `spans, `. */
  label: string;
  laplace: DpProcessorConfig;
  gaussian: DpProcessorConfig;
  random: RandomSource;
  /** D and D′ for one configuration; default the metric path's. */
  streams?: (config: DpProcessorConfig) => EpsilonAuditOptions['streams'];
  /** What every run must show whatever its noise. */
  assertCleanRuns: (result: EpsilonAuditResult) => void;
}

/** Each audit runs once, whichever test asks first. */
function once<T>(run: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= run());
}

/**
 * The four single-window tests: Laplace stays at or below ε and X is
 * visible, halved Laplace noise is caught, Gaussian stays at or below ε, and
 * X's own route is released in at most about δ of the runs. Each ε_lb ≤ ε
 * assertion, and each count bound, fails for a correct processor with
 * probability at most 1e-6.
 */
export function describeOneWindowAudit(title: string, setup: OneWindowAuditSetup): void {
  const { label, laplace, gaussian, random, assertCleanRuns } = setup;
  const streams = (config: DpProcessorConfig): EpsilonAuditOptions['streams'] => setup.streams?.(config);
  const realLaplace = once(() => auditEpsilon({ config: laplace, streams: streams(laplace), runs: RUNS, random, thresholds: THRESHOLDS }));
  const brokenLaplace = once(() =>
    auditEpsilon({
      config: laplace,
      streams: streams(laplace),
      runs: BROKEN_RUNS,
      random,
      thresholds: THRESHOLDS,
      noiseSampler: (scale) => sampleDiscreteLaplace(random, scale / 2),
    }),
  );
  const realGaussian = once(() => auditEpsilon({ config: gaussian, streams: streams(gaussian), runs: GAUSSIAN_RUNS, random, thresholds: THRESHOLDS }));

  describe(title, () => {
    test('Laplace, ε = 1: the Clopper–Pearson lower bound stays at or below ε', async (t) => {
      const result = await realLaplace();
      for (const line of describeAudit(`${label}Laplace`, result)) t.diagnostic(line);
      assertCleanRuns(result);
      assert.ok(result.epsilonLowerBound <= laplace.epsilon, `ε_lb = ${result.epsilonLowerBound} > ε = ${laplace.epsilon}`);
      // X does move the output (ε_true ≈ 0.62, ε_lb ≈ 0.4): a bound at 0 would mean the audit saw
      // nothing, e.g. X never reaching the shared route. The expected counts of the events are more
      // than 20 standard deviations from that.
      assert.ok(result.epsilonLowerBound > 0, `ε_lb = ${result.epsilonLowerBound}: X's effect is not visible`);
    });

    test('Laplace with the noise scale halved (sensitivity halved) is caught by the same audit', async (t) => {
      const result = await brokenLaplace();
      for (const line of describeAudit(`${label}Laplace, broken`, result)) t.diagnostic(line);
      assertCleanRuns(result);
      assert.ok(result.epsilonLowerBound > laplace.epsilon, `ε_lb = ${result.epsilonLowerBound}, not above ε = ${laplace.epsilon}`);
    });

    test('Gaussian, (ε, δ) = (1, 1e-3): the lower bound stays at or below ε', async (t) => {
      const result = await realGaussian();
      for (const line of describeAudit(`${label}Gaussian`, result)) t.diagnostic(line);
      assertCleanRuns(result);
      assert.ok(result.epsilonLowerBound <= gaussian.epsilon, `ε_lb = ${result.epsilonLowerBound} > ε = ${gaussian.epsilon}`);
    });

    test("X's own route is released in at most about δ of the runs", async (t) => {
      for (const [config, result] of [
        [laplace, await realLaplace()],
        [gaussian, await realGaussian()],
      ] as const) {
        // The selection's share of δ: all of it for Laplace, half for Gaussian (the other half pays the zCDP conversion).
        const selectionDelta = calibrateWindow(config).spend.delta;
        // A count above this happens with probability below 1e-6 when the true rate is at most δ.
        const bound = binomialCountBound(result.runs, selectionDelta, PRIVATE_ROUTE_FALSE_ALARM);
        t.diagnostic(`${label}${config.mechanism}: X's own route released in ${result.privateRouteReleases} of ${result.runs} runs (bound ${bound} for δ = ${selectionDelta})`);
        assert.ok(result.privateRouteReleases <= bound, `${config.mechanism}: ${result.privateRouteReleases} releases, more than ${bound}`);
      }
    });
  });
}
