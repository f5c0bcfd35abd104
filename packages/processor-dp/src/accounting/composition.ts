import { epsilonForZcdp } from '../noise/index.js';
import { AccountantError } from './errors.js';

/**
 * What one window's release spends, fixed by configuration (never by the
 * data). Exactly one of `rho` and `pureEpsilon` is given.
 *
 * - Gaussian windows: `rho`, the zCDP parameter of the window's noise, and
 *   `delta`, its partition-selection failure probability (the engine's window
 *   is (ε, δ)-DP with ε = epsilonForZcdp(ρ, δ/2) and δ_selection = δ/2).
 * - Laplace windows: `pureEpsilon`, and `delta` of the partition selection.
 */
export interface WindowSpend {
  /** ρ of the window's Gaussian noise (ρ-zCDP); positive and finite. */
  rho?: number;
  /** ε of the window's Laplace noise (ε-DP); positive and finite. */
  pureEpsilon?: number;
  /** Selection δ, not part of any zCDP conversion; in [0, 1). */
  delta: number;
}

/**
 * Running sums over a set of windows, enough to compose them either way
 * (see {@link composeHorizon}). Sums of spends in any grouping and order are
 * equal up to float rounding, so entries merge by adding.
 */
export interface SpendTotals {
  /** Σρ over every window, a pure-ε window counting ρ = ε²/2. */
  zcdpRho: number;
  /** Σρ over the Gaussian windows only. */
  gaussianRho: number;
  /** Σε over the pure-ε (Laplace) windows. */
  pureEpsilon: number;
  /** Σ selection δ. */
  selectionDelta: number;
  /** Number of windows. */
  windows: number;
}

export const EMPTY_TOTALS: Readonly<SpendTotals> = Object.freeze({ zcdpRho: 0, gaussianRho: 0, pureEpsilon: 0, selectionDelta: 0, windows: 0 });

/** Throws `ACCOUNTANT_SPEND` naming the malformed field. */
export function validateWindowSpend(spend: WindowSpend): void {
  const { rho, pureEpsilon, delta } = spend;
  if ((rho === undefined) === (pureEpsilon === undefined)) {
    throw new AccountantError('ACCOUNTANT_SPEND', 'window spend must give exactly one of rho (Gaussian) and pureEpsilon (Laplace)');
  }
  if (rho !== undefined) requirePositiveFinite('rho', rho);
  if (pureEpsilon !== undefined) requirePositiveFinite('pureEpsilon', pureEpsilon);
  if (!(typeof delta === 'number' && delta >= 0 && delta < 1)) {
    throw new AccountantError('ACCOUNTANT_SPEND', `window spend delta is ${String(delta)}, must be in [0, 1)`);
  }
}

function requirePositiveFinite(name: string, value: number): void {
  if (!(typeof value === 'number' && value > 0 && value !== Infinity)) {
    throw new AccountantError('ACCOUNTANT_SPEND', `window spend ${name} is ${String(value)}, must be positive and finite`);
  }
}

/**
 * One window as totals. A pure ε-DP window is also (ε²/2)-zCDP (Bun & Steinke
 * 2016, "Concentrated Differential Privacy", Prop. 1.4), and its selection δ
 * makes it δ-approximate zCDP, which composes like the Gaussian windows.
 */
export function totalsOf(spend: WindowSpend): SpendTotals {
  const gaussianRho = spend.rho ?? 0;
  const pureEpsilon = spend.pureEpsilon ?? 0;
  return { zcdpRho: gaussianRho + (pureEpsilon * pureEpsilon) / 2, gaussianRho, pureEpsilon, selectionDelta: spend.delta, windows: 1 };
}

/** `into += more`, in place. */
export function addTotalsInto(into: SpendTotals, more: Readonly<SpendTotals>): void {
  into.zcdpRho += more.zcdpRho;
  into.gaussianRho += more.gaussianRho;
  into.pureEpsilon += more.pureEpsilon;
  into.selectionDelta += more.selectionDelta;
  into.windows += more.windows;
}

/** The (ε, δ)-DP guarantee of a set of windows, and which bound gave ε. */
export interface HorizonGuarantee {
  epsilon: number;
  delta: number;
  /**
   * `zcdp`: everything composed as zCDP, then converted once.
   * `basic`: Gaussian windows through zCDP, pure windows added by basic composition.
   */
  bound: 'zcdp' | 'basic';
}

/**
 * Composes a set of windows, each δ_i-approximately ρ_i-zCDP (pure windows:
 * ρ_i = ε_i²/2) or (ε_i, δ_i)-DP with pure ε_i, into one (ε, δ)-DP guarantee.
 * Both bounds below hold at the same δ, so the smaller ε is reported:
 *
 * - zCDP route: δ-approximate zCDP composes by adding ρ and δ (Bun &
 *   Steinke 2016, arXiv 1605.02065), and ρ-zCDP implies (ε_z(ρ, δ_c), δ_c)-DP
 *   with ε_z the tight conversion of Canonne, Kamath & Steinke 2020
 *   (`epsilonForZcdp`). So
 *   ε = ε_z(Σρ_i + Σε_j²/2, δ_c).
 * - basic route: the Gaussian windows as above give (ε_z(Σρ_i, δ_c), δ_c +
 *   Σδ_i); basic composition (Dwork & Roth 2014, Thm. 3.16) adds the pure
 *   windows' ε and δ. So ε = ε_z(Σρ_i, δ_c) + Σε_j, with ε_z(0, ·) = 0.
 *
 * In both δ = δ_c + Σ selection δ over all windows, δ_c being the
 * `conversionDelta`. An empty set is (0, 0)-DP.
 */
export function composeHorizon(totals: Readonly<SpendTotals>, conversionDelta: number): HorizonGuarantee {
  if (totals.windows === 0) return { epsilon: 0, delta: 0, bound: 'zcdp' };
  const delta = conversionDelta + totals.selectionDelta;
  const viaZcdp = zcdpEpsilon(totals.zcdpRho, conversionDelta);
  if (totals.pureEpsilon === 0) return { epsilon: viaZcdp, delta, bound: 'zcdp' };
  const viaBasic = zcdpEpsilon(totals.gaussianRho, conversionDelta) + totals.pureEpsilon;
  return viaBasic < viaZcdp ? { epsilon: viaBasic, delta, bound: 'basic' } : { epsilon: viaZcdp, delta, bound: 'zcdp' };
}

function zcdpEpsilon(rho: number, delta: number): number {
  return rho === 0 ? 0 : epsilonForZcdp({ rho, delta });
}
