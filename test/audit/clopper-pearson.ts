/**
 * Exact binomial confidence bounds for the privacy audit, and the ε lower
 * bound they give (Jagielski, Ullman, Oprea, NeurIPS 2020; Nasr et al.,
 * S&P 2021): if a mechanism is (ε, δ)-DP, every event S has
 * P[S | D′] ≤ e^ε·P[S | D] + δ, so confident bounds on the two
 * probabilities give a confident lower bound on ε.
 *
 * Everything is double precision; the bounds are accurate to about 1e-12
 * relative, far below the statistical margins they feed.
 */

/** Lanczos coefficients for g = 7, nine terms (Godfrey's set): relative error of ln Γ below 1e-14 for x > 0. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const FRACTION_EPSILON = 1e-15;
const FRACTION_MAX_TERMS = 100_000;
const TINY = 1e-300;

/**
 * The continued fraction for I_x(a, b) (Abramowitz & Stegun 26.5.8),
 * evaluated with the modified Lentz method. It converges quickly for
 * x < (a + 1)/(a + b + 2); the caller uses the symmetry
 * I_x(a, b) = 1 − I_{1−x}(b, a) elsewhere. Terms needed grow like √max(a, b).
 */
function betaContinuedFraction(x: number, a: number, b: number): number {
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < FRACTION_MAX_TERMS; m++) {
    const m2 = 2 * m;
    // Even step: d_{2m} = m(b − m)x / ((a + 2m − 1)(a + 2m)).
    let numerator = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + numerator * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + numerator / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    // Odd step: d_{2m+1} = −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1)).
    numerator = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + numerator * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + numerator / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < FRACTION_EPSILON) return h;
  }
  throw new Error(`incomplete beta did not converge for x = ${x}, a = ${a}, b = ${b}`);
}

/**
 * The regularized incomplete beta function I_x(a, b) = B(x; a, b)/B(a, b),
 * the CDF of Beta(a, b) at x.
 *
 * @param x in [0, 1].
 * @param a > 0.
 * @param b > 0.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) throw new RangeError(`beta parameters are ${a}, ${b}, must be positive and finite`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`x is ${x}, must be in [0, 1]`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - (logGamma(a) + logGamma(b) - logGamma(a + b));
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/**
 * The p-quantile of Beta(a, b): the x with I_x(a, b) = p, by bisection
 * (I_x is increasing in x) down to adjacent doubles or 1e-300 wide.
 */
export function betaQuantile(p: number, a: number, b: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p is ${p}, must be in [0, 1]`);
  if (p === 0) return 0;
  if (p === 1) return 1;
  let low = 0;
  let high = 1;
  for (;;) {
    const mid = low + (high - low) / 2;
    if (mid <= low || mid >= high || high - low < TINY) return mid;
    if (regularizedIncompleteBeta(mid, a, b) < p) low = mid;
    else high = mid;
  }
}

/** A two-sided interval for a binomial proportion. */
export interface ProportionInterval {
  lower: number;
  upper: number;
}

/**
 * The exact Clopper–Pearson interval for `hits` successes in `runs` trials:
 * each end fails to cover the true proportion with probability at most α/2.
 *
 *   lower = BetaInv(α/2; hits, runs − hits + 1)   (0 when hits = 0)
 *   upper = BetaInv(1 − α/2; hits + 1, runs − hits)   (1 when hits = runs)
 */
export function clopperPearson(hits: number, runs: number, alpha: number): ProportionInterval {
  if (!(Number.isInteger(runs) && runs >= 1)) throw new RangeError(`runs is ${runs}, must be a whole number of at least 1`);
  if (!(Number.isInteger(hits) && hits >= 0 && hits <= runs)) throw new RangeError(`hits is ${hits}, must be a whole number from 0 to ${runs}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha is ${alpha}, must be in (0, 1)`);
  return {
    lower: hits === 0 ? 0 : betaQuantile(alpha / 2, hits, runs - hits + 1),
    upper: hits === runs ? 1 : betaQuantile(1 - alpha / 2, hits + 1, runs - hits),
  };
}

/** Counts of one event over runs on the two neighbouring inputs. */
export interface EventCounts {
  /** Runs on the input where the event is expected to be more likely (it holds the adversary, or in reverse the other one). */
  hitsMoreLikely: number;
  hitsLessLikely: number;
  /** Runs per input (the same on both). */
  runs: number;
}

/**
 * The Clopper–Pearson lower bound on ε for one event:
 *
 *   ε_lb = ln((p1_lo − δ)/p0_hi)
 *
 * with p1_lo the lower end of the interval for the more likely side and p0_hi
 * the upper end for the other, both at level α. For an (ε, δ)-DP mechanism,
 * ε_lb > ε happens with probability at most α (one end or the other has to
 * miss, each with probability at most α/2). −Infinity when p1_lo ≤ δ: the
 * event says nothing then.
 */
export function epsilonLowerBound(counts: EventCounts, options: { alpha: number; delta: number }): number {
  const { alpha, delta } = options;
  if (!(delta >= 0 && delta < 1)) throw new RangeError(`delta is ${delta}, must be in [0, 1)`);
  const more = clopperPearson(counts.hitsMoreLikely, counts.runs, alpha).lower;
  const less = clopperPearson(counts.hitsLessLikely, counts.runs, alpha).upper;
  return more > delta ? Math.log((more - delta) / less) : -Infinity;
}

/** P[Binomial(runs, p) ≥ count] = I_p(count, runs − count + 1). */
export function binomialUpperTail(count: number, runs: number, p: number): number {
  if (count <= 0) return 1;
  if (count > runs) return 0;
  return regularizedIncompleteBeta(p, count, runs - count + 1);
}

/**
 * The smallest m such that a Binomial(runs, p) count exceeds m with
 * probability below `alpha`: the most a count may reach before it is
 * evidence, at that false-alarm rate, that the true rate is above p.
 */
export function binomialCountBound(runs: number, p: number, alpha: number): number {
  let m = Math.floor(runs * p);
  while (binomialUpperTail(m + 1, runs, p) >= alpha) m++;
  return m;
}
