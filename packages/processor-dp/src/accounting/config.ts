import { AccountantError } from './errors.js';
import { accountantNames, type AccountantNames } from './setting-names.js';

/** Default horizon: one day, in milliseconds. */
export const DEFAULT_BUDGET_HORIZON_MILLIS = 86_400_000;

/**
 * Default δ of the conversion from the horizon's total ρ-zCDP to (ε, δ).
 * Matches the processor's default per-window δ; the reported δ adds the
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

/**
 * How far past the clock at start the newest time in the ledger may lie
 * before the ledger is refused as written under a clock that ran ahead (or
 * stepped back since): NTP keeps hosts within seconds, a VM resumed from a
 * snapshot may lag by minutes before it catches up.
 */
export const LEDGER_CLOCK_SKEW_MILLIS = 5 * 60_000;

export interface AccountantConfig {
  /**
   * The horizon (the processor's `budgetHorizonMillis`), in milliseconds: the spend over any interval of this
   * length is bounded by the cap; a spend drops out of the total this long
   * after it was recorded. Default {@link DEFAULT_BUDGET_HORIZON_MILLIS} (24 h);
   * must be a whole number of milliseconds, at least 1.
   */
  horizonMillis: number;
  /**
   * Cap on the horizon's ε (reported at the horizon's
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
   * Directory of the ledger file. Undefined (default): the
   * ledger lives in memory and a restart forgets it, which is only accepted
   * without a cap (a cap without it is refused with `ACCOUNTANT_STATE`).
   */
  stateDir?: string;
  /**
   * A state directory that holds other files but no
   * ledger and no otel-dp marker starts an empty ledger instead of being
   * refused. An empty or newly created directory starts one without it; a
   * directory whose marker shows it held a ledger is refused either way.
   * Default false.
   */
  startFreshBudget?: boolean;
  /**
   * How far ahead of the clock a spend may be stamped, in milliseconds: the
   * processor stamps a window with its end, which an early release
   * (shutdown, flush) precedes by up to one window. Added to
   * {@link LEDGER_CLOCK_SKEW_MILLIS} when checking the ledger at start.
   * Default 0; must be a whole number, at least 0.
   */
  stampLeadMillis?: number;
}

/** Fails fast on the first invalid field, naming its setting as `names` say. */
export function validateAccountantConfig(config: AccountantConfig, names: AccountantNames = accountantNames()): void {
  const { horizonMillis, maxEpsilon, conversionDelta, stateDir, stampLeadMillis } = config;
  if (!(Number.isSafeInteger(horizonMillis) && horizonMillis >= 1)) {
    throw new AccountantError('ACCOUNTANT_CONFIG', `${names.budgetHorizonMillis} is ${String(horizonMillis)}ms, must be a whole number of milliseconds, at least 1ms`, {
      field: 'budgetHorizonMillis',
    });
  }
  if (maxEpsilon !== undefined && !(typeof maxEpsilon === 'number' && maxEpsilon > 0 && maxEpsilon !== Infinity)) {
    throw new AccountantError('ACCOUNTANT_CONFIG', `${names.maxEpsilonHorizon} is ${String(maxEpsilon)}, must be positive and finite`, { field: 'maxEpsilonHorizon' });
  }
  if (conversionDelta !== undefined && !(typeof conversionDelta === 'number' && conversionDelta > 0 && conversionDelta < 1)) {
    throw new AccountantError('ACCOUNTANT_CONFIG', `conversionDelta is ${String(conversionDelta)}, must be in (0, 1)`, { field: 'conversionDelta' });
  }
  if (stateDir !== undefined && (typeof stateDir !== 'string' || stateDir === '')) {
    throw new AccountantError('ACCOUNTANT_CONFIG', `${names.stateDir} is empty, must name a directory`, { field: 'stateDir' });
  }
  if (stampLeadMillis !== undefined && !(Number.isSafeInteger(stampLeadMillis) && stampLeadMillis >= 0)) {
    throw new AccountantError('ACCOUNTANT_CONFIG', `stampLeadMillis is ${String(stampLeadMillis)}, must be a whole number of milliseconds, at least 0`, {
      field: 'stampLeadMillis',
    });
  }
  if (maxEpsilon !== undefined && stateDir === undefined) {
    throw new AccountantError(
      'ACCOUNTANT_STATE',
      `${names.maxEpsilonHorizon} is set without ${names.stateDir}: a restart would forget the spent budget and release past the cap; give a ${names.stateDir}`,
      { field: 'stateDir' },
    );
  }
}
