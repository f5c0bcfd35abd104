import { AccountantError } from './errors.js';

/** `--budget-horizon` default: one day, in milliseconds. */
export const DEFAULT_BUDGET_HORIZON_MILLIS = 86_400_000;

/**
 * Default δ of the conversion from the horizon's total ρ-zCDP to (ε, δ).
 * Matches the default per-window `--delta`; the reported δ adds the
 * windows' selection δs to it.
 */
export const DEFAULT_CONVERSION_DELTA = 1e-6;

/**
 * The ledger keeps one entry per slot of horizon/1000: spends in one slot
 * merge, so the ledger never holds more than 1001 entries whatever the window
 * length, and a merged spend stays in the horizon at most one slot (0.1 % of
 * the horizon) longer than its own time would give it.
 */
export const LEDGER_SLOTS_PER_HORIZON = 1000;

export interface AccountantConfig {
  /**
   * `--budget-horizon`, in milliseconds: the spend over any interval of this
   * length is bounded by the cap; a spend drops out of the total this long
   * after it was recorded. Default {@link DEFAULT_BUDGET_HORIZON_MILLIS} (24 h);
   * must be a whole number of milliseconds, at least 1.
   */
  horizonMillis: number;
  /**
   * `--max-epsilon-horizon`: cap on the horizon's ε (reported at the horizon's
   * δ, see {@link conversionDelta}). A window that would pass it is refused
   * until enough of the horizon has rolled by. Undefined (default): no cap,
   * the total is only reported. Must be positive when set.
   */
  maxEpsilon?: number;
  /**
   * δ spent converting the horizon's total ρ-zCDP to ε. The horizon is
   * reported and capped at δ_report = conversionDelta + Σ selection δ of the
   * windows in it. Default {@link DEFAULT_CONVERSION_DELTA}; must be in (0, 1).
   */
  conversionDelta?: number;
  /**
   * `--state-dir`: directory of the ledger file. Undefined (default): the
   * ledger lives in memory and a restart forgets it, which is only accepted
   * without a cap (a cap without it is refused with `ACCOUNTANT_STATE`).
   */
  stateDir?: string;
}

/** Fails fast on the first invalid field, naming its flag. */
export function validateAccountantConfig(config: AccountantConfig): void {
  const { horizonMillis, maxEpsilon, conversionDelta, stateDir } = config;
  if (!(Number.isSafeInteger(horizonMillis) && horizonMillis >= 1)) {
    throw new AccountantError('ACCOUNTANT_CONFIG', `--budget-horizon is ${String(horizonMillis)}ms, must be a whole number of milliseconds, at least 1ms`);
  }
  if (maxEpsilon !== undefined && !(typeof maxEpsilon === 'number' && maxEpsilon > 0 && maxEpsilon !== Infinity)) {
    throw new AccountantError('ACCOUNTANT_CONFIG', `--max-epsilon-horizon is ${String(maxEpsilon)}, must be positive and finite`);
  }
  if (conversionDelta !== undefined && !(typeof conversionDelta === 'number' && conversionDelta > 0 && conversionDelta < 1)) {
    throw new AccountantError('ACCOUNTANT_CONFIG', `conversionDelta is ${String(conversionDelta)}, must be in (0, 1)`);
  }
  if (stateDir !== undefined && (typeof stateDir !== 'string' || stateDir === '')) {
    throw new AccountantError('ACCOUNTANT_CONFIG', '--state-dir is empty, must name a directory');
  }
  if (maxEpsilon !== undefined && stateDir === undefined) {
    throw new AccountantError(
      'ACCOUNTANT_STATE',
      '--max-epsilon-horizon is set without --state-dir: a restart would forget the spent budget and release past the cap; give a --state-dir',
    );
  }
}
