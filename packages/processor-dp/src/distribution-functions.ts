/**
 * The few distribution functions the noise tests need, in double precision:
 * regularized incomplete gamma (hence chi-square and the normal CDF), their
 * quantiles by bisection, and the least σ a Gaussian mechanism needs for
 * (ε, δ)-DP. Accurate to about 1e-12 relative, far below the tolerances the
 * tests draw from them.
 */

/**
 * ln Γ(x) for x > 0: Stirling's series with the Bernoulli terms B₂…B₁₄
 * for x ≥ 10 (truncation error below 1e-16 there), shifted up by
 * Γ(x + 1) = x·Γ(x) for smaller x.
 */
export function logGamma(x: number): number {
  let shift = 0;
  while (x < 10) {
    shift += Math.log(x);
    x += 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 * (1 / 1188 - inv2 * (691 / 360360 - inv2 / 156))))));
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series - shift;
}

const EPS = 1e-16;
const MAX_TERMS = 10_000;

/** P(a, x) = γ(a, x)/Γ(a), the chi-square CDF with a = k/2, x = χ²/2. */
export function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Q(a, x) = 1 − P(a, x), computed directly so small upper tails keep their precision. */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

/** Series Σ xⁿ/(a(a+1)…(a+n)), converging fast for x < a + 1. */
function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_TERMS && Math.abs(term) > Math.abs(sum) * EPS; n++) {
    term *= x / (a + n);
    sum += term;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Q(a, x) by the continued fraction for Γ(a, x), evaluated with the modified Lentz method; for x ≥ a + 1. */
function gammaContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_TERMS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** P(X ≤ x) for X ~ χ²(k). */
export function chiSquareCdf(x: number, k: number): number {
  return regularizedGammaP(k / 2, x / 2);
}

/** P(X > x) for X ~ χ²(k). */
export function chiSquareSurvival(x: number, k: number): number {
  return regularizedGammaQ(k / 2, x / 2);
}

/** The x with P(X ≤ x) = p for X ~ χ²(k): a lower quantile, accurate for tiny p. */
export function chiSquareLowerQuantile(p: number, k: number): number {
  return bisect((x) => chiSquareCdf(x, k) - p, k);
}

/** The x with P(X > x) = p for X ~ χ²(k): an upper quantile, accurate for tiny p. */
export function chiSquareUpperQuantile(p: number, k: number): number {
  return bisect((x) => p - chiSquareSurvival(x, k), k);
}

/** Root of an increasing `f` on [0, ∞), bracketing from `scale` upwards. */
function bisect(f: (x: number) => number, scale: number): number {
  let lo = 0;
  let hi = Math.max(scale, 1);
  while (f(hi) < 0) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Φ(x), the standard normal CDF, through Φ(x) = Q(1/2, x²/2)/2 for x ≤ 0. */
export function normalCdf(x: number): number {
  const tail = 0.5 * regularizedGammaQ(0.5, (x * x) / 2);
  return x <= 0 ? tail : 1 - tail;
}

/** The z with P(Z > z) = p for a standard normal Z, for p < 1/2. */
export function normalUpperQuantile(p: number): number {
  // For z ≥ 0, P(Z > z) = Q(1/2, z²/2)/2, which falls as z grows.
  return bisect((z) => p - 0.5 * regularizedGammaQ(0.5, (z * z) / 2), 1);
}

/**
 * The least σ for which adding N(0, σ²) to a query of L2 sensitivity Δ is
 * (ε, δ)-DP, from the exact condition of Balle & Wang 2018 (Theorem 8):
 * Φ(Δ/2σ − εσ/Δ) − e^ε·Φ(−Δ/2σ − εσ/Δ) ≤ δ. No correct Gaussian release at
 * (ε, δ) can use less noise.
 */
export function leastGaussianSigma(options: { epsilon: number; delta: number; l2Sensitivity: number }): number {
  const { epsilon, delta, l2Sensitivity: s } = options;
  const privacyLoss = (sigma: number) => normalCdf(s / (2 * sigma) - (epsilon * sigma) / s) - Math.exp(epsilon) * normalCdf(-s / (2 * sigma) - (epsilon * sigma) / s);
  // privacyLoss falls as σ grows: bisect for the σ where it meets δ.
  return bisect((sigma) => delta - privacyLoss(sigma), s);
}
