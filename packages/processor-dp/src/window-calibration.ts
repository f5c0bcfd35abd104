import { SELECTION_BUDGET_SHARE, type ClipBounds, type DpProcessorConfig, type NoiseMechanismName } from './config.js';
import {
  discreteGaussianVariance,
  discreteLaplaceVariance,
  gaussianSigma,
  laplaceScale,
  selectionThreshold,
  zcdpRhoFor,
} from './noise/index.js';

/**
 * How one window's budget is spent, derived from configuration only.
 *
 * Sensitivity: a token touches at most k series per window, adds 1 to each
 * one's distinct-token count, and moves each one's value by at most its
 * bound C. Dividing each value by its C, one token moves the value vector by
 * at most k in L1 and √k in L2, and the count vector likewise.
 *
 * - Gaussian: the window is ρ-zCDP with ρ the largest that implies
 *   (ε, δ/2)-DP; selection gets ρ·s and values ρ·(1−s) (s = share), so
 *   σ_value = √k·C/√(2ρ(1−s)) and σ_count = √k/√(2ρs). The other δ/2 bounds
 *   the chance that a series only one token created passes the threshold.
 * - Laplace: values get ε(1−s), b_value = k·C/(ε(1−s)); counts get εs,
 *   b_count = k/(εs); δ bounds the selection as above.
 *
 * Series already released are public and skip selection; their values still
 * get the value noise. Composition of the two parts gives (ε, δ) per window.
 */
export interface WindowCalibration {
  mechanism: NoiseMechanismName;
  /** Noise scale (σ or b) per unit of value bound. */
  valueScalePerUnit: number;
  /** Noise scale (σ or b) of the distinct-token count used for selection. */
  selectionScale: number;
  /** A new series is released when its noisy distinct-token count reaches this. */
  selectionThreshold: number;
}

export function calibrateWindow(config: DpProcessorConfig): WindowCalibration {
  const k = config.maxSeriesPerToken;
  const share = SELECTION_BUDGET_SHARE;
  if (config.mechanism === 'gaussian') {
    const rho = zcdpRhoFor({ epsilon: config.epsilon, delta: config.delta / 2 });
    const selectionScale = gaussianSigma({ l2Sensitivity: Math.sqrt(k), rho: rho * share });
    return {
      mechanism: 'gaussian',
      valueScalePerUnit: gaussianSigma({ l2Sensitivity: Math.sqrt(k), rho: rho * (1 - share) }),
      selectionScale,
      selectionThreshold: selectionThreshold({ mechanism: 'gaussian', noiseScale: selectionScale, maxPartitionsPerToken: k, delta: config.delta / 2 }),
    };
  }
  const selectionScale = laplaceScale({ l1Sensitivity: k, epsilon: config.epsilon * share });
  return {
    mechanism: 'laplace',
    valueScalePerUnit: laplaceScale({ l1Sensitivity: k, epsilon: config.epsilon * (1 - share) }),
    selectionScale,
    selectionThreshold: selectionThreshold({ mechanism: 'laplace', noiseScale: selectionScale, maxPartitionsPerToken: k, delta: config.delta }),
  };
}

/**
 * A metric's values are released on the grid g·ℤ, g a power of two about
 * 2^-20 of the bound, so every released value is exactly representable and
 * the noise, an integer number of grid steps, leaves no float residue to
 * attack (Mironov 2012). Contributions are rounded to the grid and clamped in
 * grid units, so the sensitivity is an exact integer.
 */
export interface MetricNoise {
  grid: number;
  /** Clamp bounds in grid steps. */
  lowerSteps: number;
  upperSteps: number;
  /** Noise scale in grid steps. */
  scaleSteps: number;
  /** Standard deviation of the released value's noise, in the metric's unit. */
  stdDev: number;
}

const GRID_BITS = 20;
/** Keeps noise samples well inside the samplers' exact range and sums inside 2^53. */
const MAX_SCALE_STEPS = 2 ** 40;

export function metricNoise(bounds: ClipBounds, calibration: WindowCalibration): MetricNoise {
  const magnitude = Math.max(Math.abs(bounds.lower), Math.abs(bounds.upper));
  let grid = 2 ** (Math.floor(Math.log2(magnitude)) - GRID_BITS);
  for (;;) {
    const lowerSteps = Math.ceil(bounds.lower / grid);
    const upperSteps = Math.floor(bounds.upper / grid);
    const sensitivitySteps = Math.max(Math.abs(lowerSteps), Math.abs(upperSteps));
    const scaleSteps = calibration.valueScalePerUnit * sensitivitySteps;
    if (scaleSteps <= MAX_SCALE_STEPS) {
      const variance = calibration.mechanism === 'gaussian' ? discreteGaussianVariance(scaleSteps) : discreteLaplaceVariance(scaleSteps);
      return { grid, lowerSteps, upperSteps, scaleSteps, stdDev: Math.sqrt(variance) * grid };
    }
    grid *= 2;
  }
}

/** Rounds a token's window total to the grid and clamps it (±Infinity clamps to the bounds). */
export function toClampedSteps(value: number, noise: MetricNoise): number {
  const steps = Math.round(value / noise.grid);
  return steps < noise.lowerSteps ? noise.lowerSteps : steps > noise.upperSteps ? noise.upperSteps : steps;
}
