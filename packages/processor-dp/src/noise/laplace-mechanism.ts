import { discreteLaplaceVariance, laplaceScale } from './calibration.js';
import { sampleDiscreteLaplace } from './discrete-laplace.js';
import type { NoiseMechanism } from './noise-mechanism.js';
import { discreteLaplaceUpperTail } from './tails.js';
import { thresholdForTail } from './threshold-search.js';

/**
 * Discrete Laplace noise under pure ε-DP: b = units/ε (L1 sensitivity).
 * The whole ε goes to noise; δ only bounds partition selection.
 */
export const LAPLACE: NoiseMechanism = {
  name: 'laplace',
  budget: (epsilon, delta, selecting) => ({ amount: epsilon, selectionDelta: selecting ? delta : 0 }),
  scale: (units, epsilon) => laplaceScale({ l1Sensitivity: units, epsilon }),
  variance: discreteLaplaceVariance,
  upperTail: discreteLaplaceUpperTail,
  sampler: (random) => (scale) => sampleDiscreteLaplace(random, scale),
  // The tail is about e^(−s/b).
  selectionThreshold: (options) => thresholdForTail(options, discreteLaplaceUpperTail, (b, logInverse) => b * logInverse),
  spend: (budget) => ({ pureEpsilon: budget.amount, delta: budget.selectionDelta }),
};
