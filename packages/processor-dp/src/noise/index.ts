export { NoiseParameterError } from './errors.js';
export { CryptoRandomSource, DEFAULT_RANDOM_POOL_BYTES, Uint32RandomSource, type RandomSource } from './random-source.js';
export { DiscreteLaplace, MAX_NOISE_SCALE, MIN_NOISE_SCALE, sampleDiscreteLaplace } from './discrete-laplace.js';
export { DiscreteGaussian, sampleDiscreteGaussian } from './discrete-gaussian.js';
export { deltaForZcdp, epsilonForZcdp, zcdpRhoFor } from './zcdp.js';
export { discreteGaussianVariance, discreteLaplaceVariance, gaussianSigma, laplaceScale } from './calibration.js';
export { discreteGaussianUpperTail, discreteLaplaceUpperTail } from './tails.js';
export { selectionThreshold } from './partition-selection.js';
