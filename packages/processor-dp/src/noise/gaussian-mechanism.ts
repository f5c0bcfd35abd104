import { discreteGaussianVariance, gaussianSigma } from './calibration.js';
import { sampleDiscreteGaussian } from './discrete-gaussian.js';
import type { NoiseMechanism } from './noise-mechanism.js';
import { discreteGaussianUpperTail } from './tails.js';
import { thresholdForTail } from './threshold-search.js';
import { zcdpRhoFor } from './zcdp.js';

/**
 * Discrete Gaussian noise under ρ-zCDP: σ = √units/√(2ρ) (L2 sensitivity).
 * With selection, ρ is the largest that implies (ε, δ/2)-DP and the other
 * δ/2 bounds selection; without, ρ implies (ε, δ).
 */
export const GAUSSIAN: NoiseMechanism = {
  name: 'gaussian',
  budget: (epsilon, delta, selecting) =>
    selecting ? { amount: zcdpRhoFor({ epsilon, delta: delta / 2 }), selectionDelta: delta / 2 } : { amount: zcdpRhoFor({ epsilon, delta }), selectionDelta: 0 },
  scale: (units, rho) => gaussianSigma({ l2Sensitivity: Math.sqrt(units), rho }),
  variance: discreteGaussianVariance,
  upperTail: discreteGaussianUpperTail,
  sampler: (random) => (sigma) => sampleDiscreteGaussian(random, sigma),
  // The tail is about e^(−s²/(2σ²)).
  selectionThreshold: (options) => thresholdForTail(options, discreteGaussianUpperTail, (sigma, logInverse) => sigma * Math.sqrt(2 * logInverse)),
  spend: (budget) => ({ rho: budget.amount, delta: budget.selectionDelta }),
};
