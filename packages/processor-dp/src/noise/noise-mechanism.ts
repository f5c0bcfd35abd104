import type { RandomSource } from './random-source.js';

/** Draws integer noise of a given scale (σ or b, in grid steps). */
export type NoiseSampler = (scale: number) => number;

/** One window's budget in the currency a mechanism composes in. */
export interface MechanismBudget {
  /** What the window's noise is calibrated to: zCDP ρ (Gaussian) or pure ε (Laplace). */
  amount: number;
  /** The δ that bounds partition selection releasing a series one token created; 0 without selection. */
  selectionDelta: number;
}

/** What one window costs the accountant: zCDP ρ or pure ε, plus the selection δ. */
export interface MechanismSpend {
  rho?: number;
  pureEpsilon?: number;
  delta: number;
}

/**
 * Everything the processor asks of a noise distribution: how large its
 * scale must be for a budget, what it costs in accuracy, how to draw it,
 * where partition selection sets its threshold, and what a release costs.
 * Each implementation lives in its own file and is registered in
 * `mechanisms.ts`; nothing else branches on which mechanism is in use.
 */
export interface NoiseMechanism {
  /** The `mechanism` value of the configuration that chooses it. */
  readonly name: string;
  /** One window's (ε, δ) in this mechanism's currency; `selecting` when part of δ goes to partition selection. */
  budget(epsilon: number, delta: number, selecting: boolean): MechanismBudget;
  /**
   * The noise scale (σ or b) for a query one token moves by at most `units`
   * (in L1, so by at most √units in L2), given `amount` of the budget.
   */
  scale(units: number, amount: number): number;
  /** Exact variance of the integer noise of that scale. */
  variance(scale: number): number;
  /** P[Z ≥ t] for the integer noise Z of that scale, rounded up. */
  upperTail(scale: number, t: number): number;
  /** A sampler drawing from `random`. */
  sampler(random: RandomSource): NoiseSampler;
  /** The partition-selection threshold for count noise of `noiseScale` (see `partition-selection.ts`). */
  selectionThreshold(options: { noiseScale: number; maxPartitionsPerToken: number; delta: number }): number;
  /** What a window of `budget` costs the accountant. */
  spend(budget: MechanismBudget): MechanismSpend;
}
