import type { WindowCalibration } from '../window-calibration.js';

/**
 * One released component (a sum, a count, a bucket) lives on the grid g·ℤ,
 * g a power of two about 2^-20 of its bound, so every released value is
 * exactly representable and the noise, an integer number of grid steps,
 * leaves no float residue to attack (Mironov 2012). A token's contribution is
 * rounded to the grid and clamped in grid steps, so the sensitivity is an
 * exact integer number of steps.
 */
export interface ComponentNoise {
  grid: number;
  /** Clamp bounds of one token's contribution, in grid steps. */
  lowerSteps: number;
  upperSteps: number;
  /** Noise scale (σ or b) in grid steps, for one window's value. */
  scaleSteps: number;
  /** Standard deviation of that noise, in the metric's unit. */
  stdDev: number;
}

const GRID_BITS = 20;
/**
 * Keeps noise samples well inside the samplers' exact range (2^40), and the
 * running totals of many windows' releases, in grid steps, inside 2^53.
 */
const MAX_SCALE_STEPS = 2 ** 34;

export function componentNoise(lower: number, upper: number, calibration: WindowCalibration): ComponentNoise {
  const magnitude = Math.max(Math.abs(lower), Math.abs(upper));
  let grid = 2 ** (Math.floor(Math.log2(magnitude)) - GRID_BITS);
  for (;;) {
    const lowerSteps = Math.ceil(lower / grid);
    const upperSteps = Math.floor(upper / grid);
    const sensitivitySteps = Math.max(Math.abs(lowerSteps), Math.abs(upperSteps));
    const scaleSteps = calibration.valueScalePerUnit * sensitivitySteps;
    if (scaleSteps <= MAX_SCALE_STEPS) {
      return { grid, lowerSteps, upperSteps, scaleSteps, stdDev: Math.sqrt(noiseVariance(calibration, scaleSteps)) * grid };
    }
    grid *= 2;
  }
}

export function noiseVariance(calibration: WindowCalibration, scaleSteps: number): number {
  return calibration.noise.variance(scaleSteps);
}

/**
 * Rounds a contribution to the grid and clamps it: ±Infinity clamps to the
 * bounds, and NaN (from Infinity − Infinity in a running total) contributes 0.
 */
export function toClampedSteps(value: number, noise: ComponentNoise): number {
  const steps = Number.isNaN(value) ? 0 : Math.round(value / noise.grid);
  return steps < noise.lowerSteps ? noise.lowerSteps : steps > noise.upperSteps ? noise.upperSteps : steps;
}
