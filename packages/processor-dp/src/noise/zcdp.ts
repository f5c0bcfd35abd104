import { requireNonNegativeFinite, requireOpenUnitInterval, requirePositiveFinite } from './errors.js';

/**
 * Conversion between ρ-zCDP and (ε, δ)-DP, tight as in Canonne, Kamath,
 * Steinke 2020 ("The Discrete Gaussian for Differential Privacy",
 * §2.3; OpenDP's `cdp_delta`): ρ-zCDP implies (ε, δ)-DP for
 *
 *   δ = inf over α > 1 of exp((α − 1)(αρ − ε)) / (α − 1) · (1 − 1/α)^α.
 *
 * Any α gives a valid δ, so the search over α needs no care; the evaluation
 * at the chosen α is rounded up. The classical ε = ρ + 2√(ρ ln(1/δ)) is
 * looser (it allows less ρ for the same (ε, δ)).
 */

/** Smallest α searched: below it the bound is numerically unstable and only matters for ε ≤ ρ, where δ is large anyway. */
const MIN_ALPHA = 1.01;
/** Bisection over doubles stops when the midpoint stops moving; this only bounds pathological inputs. */
const MAX_BISECTION_STEPS = 2100;

/**
 * Upper bound on δ such that ρ-zCDP implies (ε, δ)-DP. ρ ≥ 0, ε ≥ 0 finite;
 * returns a value in [0, 1].
 */
export function deltaForZcdp(options: { rho: number; epsilon: number }): number {
  const { rho, epsilon } = options;
  requireNonNegativeFinite('rho', rho);
  requireNonNegativeFinite('epsilon', epsilon);
  if (rho === 0) return 0;
  // The minimising α solves (2α − 1)ρ − ε + ln(1 − 1/α) = 0 and is at most (ε + 1)/(2ρ) + 2.
  let low = MIN_ALPHA;
  let high = (epsilon + 1) / (2 * rho) + 2;
  for (let step = 0; step < MAX_BISECTION_STEPS; step++) {
    const mid = low + (high - low) / 2;
    if (mid === low || mid === high) break;
    if ((2 * mid - 1) * rho - epsilon + Math.log1p(-1 / mid) < 0) low = mid;
    else high = mid;
  }
  return Math.min(1, deltaAtAlpha(rho, epsilon, high));
}

/**
 * exp((α − 1)(αρ − ε) + α·ln(1 − 1/α)) / (α − 1), rounded up. Each float
 * operation errs by at most 2^−53 relative; the exponent's absolute error is
 * then below 2^−49·(α(αρ + ε) + |exponent| + 128) (the 128 covers α·ln1p(−1/α),
 * whose input error is amplified by at most 1/(α − 1) ≤ 100), and e^err ≤
 * 1 + 2·err for err ≤ 1. The factor below uses 2^−46, eight times that.
 */
function deltaAtAlpha(rho: number, epsilon: number, alpha: number): number {
  const exponent = (alpha - 1) * (alpha * rho - epsilon) + alpha * Math.log1p(-1 / alpha);
  const exponentError = 2 ** -46 * (alpha * (alpha * rho + epsilon) + Math.abs(exponent) + 128);
  if (!(exponentError <= 1)) return 1;
  return (Math.exp(exponent) / (alpha - 1)) * (1 + 2 * exponentError);
}

/**
 * Largest ρ such that ρ-zCDP implies (ε, δ)-DP under the tight conversion
 * above, found by bisection on ρ. Conservative: the δ computed (rounded up)
 * for the returned ρ never exceeds `delta`.
 *
 * @param options.epsilon ε > 0.
 * @param options.delta δ in (0, 1).
 * @returns ρ > 0.
 */
export function zcdpRhoFor(options: { epsilon: number; delta: number }): number {
  const { epsilon, delta } = options;
  requirePositiveFinite('epsilon', epsilon);
  requireOpenUnitInterval('delta', delta);
  const fits = (rho: number): boolean => deltaForZcdp({ rho, epsilon }) <= delta;
  let low = 0;
  let high = epsilon + 1;
  while (fits(high)) {
    low = high;
    high *= 2;
  }
  for (let step = 0; step < MAX_BISECTION_STEPS; step++) {
    const mid = low + (high - low) / 2;
    if (mid === low || mid === high) break;
    if (fits(mid)) low = mid;
    else high = mid;
  }
  return low;
}

/**
 * Smallest ε such that ρ-zCDP implies (ε, δ)-DP under the tight conversion
 * above, found by bisection on ε; rounded up like {@link zcdpRhoFor}.
 *
 * @param options.rho ρ > 0.
 * @param options.delta δ in (0, 1).
 * @returns ε > 0.
 */
export function epsilonForZcdp(options: { rho: number; delta: number }): number {
  const { rho, delta } = options;
  requirePositiveFinite('rho', rho);
  requireOpenUnitInterval('delta', delta);
  const fits = (epsilon: number): boolean => deltaForZcdp({ rho, epsilon }) <= delta;
  let low = 0;
  // The classical conversion already fits; widen only if rounding says otherwise.
  const classical = rho + 2 * Math.sqrt(rho * Math.log(1 / delta));
  let high = classical;
  while (!fits(high)) {
    // Past about 1e15 the tight δ cannot be evaluated; the classical bound (Bun–Steinke 2016, Prop. 1.3) holds, with room for rounding.
    if (!Number.isFinite(high * 2) || high > 1e15) return classical * (1 + 1e-9);
    low = high;
    high *= 2;
  }
  for (let step = 0; step < MAX_BISECTION_STEPS; step++) {
    const mid = low + (high - low) / 2;
    if (mid === low || mid === high) break;
    if (fits(mid)) high = mid;
    else low = mid;
  }
  return high;
}
