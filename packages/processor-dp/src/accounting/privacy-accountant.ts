import { silentLogger, type Logger } from '@otel-dp/pipeline';
import { addTotalsInto, composeHorizon, totalsOf, validateWindowSpend, type SpendTotals, type WindowSpend } from './composition.js';
import { DEFAULT_CONVERSION_DELTA, LEDGER_CLOCK_SKEW_MILLIS, validateAccountantConfig, type AccountantConfig } from './config.js';
import { AccountantError } from './errors.js';
import { serializeLedger, type LedgerWriterConfig } from './ledger-format.js';
import { SlidingLedger } from './sliding-ledger.js';
import { accountantNames, type AccountantNames, type AccountantSetting } from './setting-names.js';
import { StateDirectory } from './state-directory.js';

/** The horizon ending at the ledger time of a {@link PrivacyAccountant.status} call. */
export interface AccountantStatus {
  /** ε of the horizon's total, at `spentDelta` (see `composeHorizon`). 0 for an empty horizon. */
  spentEpsilon: number;
  /** δ of the horizon's total: conversionDelta + Σ selection δ; 0 for an empty horizon. */
  spentDelta: number;
  /** The cap minus `spentEpsilon`, at least 0; undefined without a cap. */
  remainingEpsilon: number | undefined;
  /** Windows recorded in the horizon. */
  windowsInHorizon: number;
  /**
   * Present while the cap refuses a window spending as much as the last one
   * asked about (`canSpend` or `record`): the earliest time, in milliseconds
   * since the epoch, at which it would be allowed, if nothing else is spent.
   * Absent when it is allowed now, and when it exceeds the cap on its own.
   */
  nextReleaseAllowedAtMillis?: number;
  /** Σρ of the Gaussian (zCDP) windows in the horizon. */
  spentRho: number;
  /** Σε of the pure-DP (Laplace) windows in the horizon. */
  spentPureEpsilon: number;
}

/**
 * A privacy filter over a sliding horizon (the odometer-and-filter model of
 * Rogers, Roth, Ullman & Vadhan 2016, as OpenDP's `privacy_filter`): it keeps
 * what every released window spent over the last horizon, reports
 * the composed (ε, δ), and with a cap (`maxEpsilon`) refuses any window
 * that would take ε over the cap for any interval of horizon length, until
 * enough of the horizon has rolled by (fail closed).
 *
 * The engine asks {@link canSpend} before a release, then awaits
 * {@link record} and exports only once it resolves: the spend is on disk
 * before anything leaves, so a crash can only over-count.
 *
 * Times are milliseconds since the Unix epoch. A time earlier than the latest
 * recorded one is taken as the latest (see `SlidingLedger`).
 */
export class PrivacyAccountant {
  private readonly ledger: SlidingLedger;
  private readonly file: StateDirectory | undefined;
  private readonly maxEpsilon: number | undefined;
  private readonly writerConfig: LedgerWriterConfig;
  private readonly now: () => number;
  private readonly names: AccountantNames;
  private lastAsked: SpendTotals | undefined;
  /** Writes run one after another, each saving the ledger as it is when it starts. */
  private writes: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(config: AccountantConfig, ledger: SlidingLedger, file: StateDirectory | undefined, now: () => number, names: AccountantNames) {
    this.names = names;
    this.ledger = ledger;
    this.file = file;
    this.maxEpsilon = config.maxEpsilon;
    this.writerConfig = {
      horizonMillis: config.horizonMillis,
      maxEpsilon: config.maxEpsilon ?? null,
      conversionDelta: config.conversionDelta ?? DEFAULT_CONVERSION_DELTA,
    };
    this.now = now;
  }

  /**
   * Validates the configuration and loads the ledger from `stateDir`,
   * then rewrites it at once, which proves the directory writable and records
   * the configuration. Throws `ACCOUNTANT_CONFIG` for an option out of range,
   * and `ACCOUNTANT_STATE` when a cap is set without `stateDir` or with a
   * missing one, or when the state cannot be trusted (see `StateDirectory`:
   * a ledger unreadable, corrupt, emptied, ahead of the clock, or missing
   * from a directory otel-dp used) or cannot be written. Without a cap a
   * missing directory is created. A start with an empty ledger in
   * `stateDir` is logged at warn.
   *
   * @param options.now - clock for the saved-at stamp and the check of the
   *   ledger's times; default `Date.now`.
   * @param options.settingName - what messages call the processor's settings
   *   (see {@link AccountantSetting}); default their field names.
   */
  static async open(
    config: AccountantConfig,
    options: { now?: () => number; logger?: Logger; settingName?: (setting: AccountantSetting) => string } = {},
  ): Promise<PrivacyAccountant> {
    const names = accountantNames(options.settingName);
    validateAccountantConfig(config, names);
    const now = options.now ?? Date.now;
    const { stateDir } = config;
    if (stateDir === undefined) {
      return new PrivacyAccountant(config, new SlidingLedger(config.horizonMillis), undefined, now, names);
    }
    const { directory, contents, freshStart } = await StateDirectory.open(stateDir, {
      createMissingDir: config.maxEpsilon === undefined,
      startFresh: config.startFreshBudget === true,
      nowMillis: now(),
      aheadAllowanceMillis: LEDGER_CLOCK_SKEW_MILLIS + (config.stampLeadMillis ?? 0),
      names,
    });
    const ledger = new SlidingLedger(config.horizonMillis, contents.entries, contents.forgottenUntilMillis);
    const accountant = new PrivacyAccountant(config, ledger, directory, now, names);
    await accountant.persist();
    if (freshStart !== undefined) {
      (options.logger ?? silentLogger).warn(`privacy budget starts fresh: no ledger in ${names.stateDir}, an empty one was written`, {
        stateDir,
        reason: freshStart,
      });
    }
    return accountant;
  }

  /**
   * Would a window with this spend, released at `atMillis`, keep ε of the
   * horizon ending then within the cap, after
   * `pendingWindows` more windows of the same spend not yet recorded? Always
   * true without a cap. Throws `ACCOUNTANT_SPEND` for a malformed spend or time.
   */
  canSpend(spend: WindowSpend, atMillis: number, pendingWindows = 0): boolean {
    const totals = this.checkedTotals(spend, atMillis);
    this.lastAsked = totals;
    const time = this.ledger.timeAt(atMillis);
    const asked = totalsOf(spend);
    for (let i = 0; i < pendingWindows; i++) addTotalsInto(asked, totals);
    return this.allows(this.withExtra(time, asked), time);
  }

  /**
   * Books the spend and saves the ledger (fsynced) before resolving. Throws
   * `ACCOUNTANT_BUDGET_EXHAUSTED` when the cap refuses it (nothing is
   * booked), `ACCOUNTANT_STATE` when the ledger cannot be saved (the spend
   * stays booked in memory: over-counting is the safe side), `ACCOUNTANT_SPEND`
   * for a malformed spend, `ACCOUNTANT_CLOSED` after {@link close}. On any
   * rejection the window must not be released.
   */
  async record(spend: WindowSpend, atMillis: number): Promise<void> {
    if (this.closed) throw new AccountantError('ACCOUNTANT_CLOSED', 'privacy accountant is closed');
    const totals = this.checkedTotals(spend, atMillis);
    this.lastAsked = totals;
    const time = this.ledger.timeAt(atMillis);
    const after = this.withExtra(time, totals);
    if (!this.allows(after, time)) throw this.exhausted(after, totals, time);
    this.ledger.add(totals, time);
    await this.persist();
  }

  /** The horizon ending at `atMillis` (or at the latest recorded time, if later). */
  status(atMillis: number): AccountantStatus {
    requireTime(atMillis);
    const time = this.ledger.timeAt(atMillis);
    const totals = this.ledger.totalsAt(time);
    const { epsilon, delta } = composeHorizon(totals, this.writerConfig.conversionDelta);
    const status: AccountantStatus = {
      spentEpsilon: epsilon,
      spentDelta: delta,
      remainingEpsilon: this.maxEpsilon === undefined ? undefined : Math.max(0, this.maxEpsilon - epsilon),
      windowsInHorizon: totals.windows,
      spentRho: totals.gaussianRho,
      spentPureEpsilon: totals.pureEpsilon,
    };
    if (this.lastAsked !== undefined && this.maxEpsilon !== undefined) {
      const allowedAt = this.ledger.earliestFit(this.lastAsked, time, (candidate) => this.fits(candidate));
      if (allowedAt !== undefined && allowedAt > time) status.nextReleaseAllowedAtMillis = allowedAt;
    }
    return status;
  }

  /** Waits for pending ledger writes; later `record` calls throw. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    await this.writes;
  }

  private checkedTotals(spend: WindowSpend, atMillis: number): SpendTotals {
    validateWindowSpend(spend);
    requireTime(atMillis);
    return totalsOf(spend);
  }

  private withExtra(time: number, extra: SpendTotals): SpendTotals {
    const totals = this.ledger.totalsAt(time);
    addTotalsInto(totals, extra);
    return totals;
  }

  /**
   * May the horizon ending at `time` hold `totals`? With a cap, only if it
   * fits and the ledger remembers the whole horizon; always without one.
   */
  private allows(totals: SpendTotals, time: number): boolean {
    return this.maxEpsilon === undefined || (this.ledger.coversHorizonAt(time) && this.fits(totals));
  }

  /** Within the cap; true without one. */
  private fits(totals: SpendTotals): boolean {
    return this.maxEpsilon === undefined || composeHorizon(totals, this.writerConfig.conversionDelta).epsilon <= this.maxEpsilon;
  }

  private exhausted(after: SpendTotals, spend: SpendTotals, time: number): AccountantError {
    const epsilon = composeHorizon(after, this.writerConfig.conversionDelta).epsilon;
    const allowedAt = this.ledger.earliestFit(spend, time, (candidate) => this.fits(candidate));
    const when = allowedAt === undefined
      ? `one window alone exceeds the cap: raise ${this.names.maxEpsilonHorizon} or lower ${this.names.epsilon}`
      : `the next such window is allowed at ${new Date(allowedAt).toISOString()}`;
    if (this.fits(after)) {
      const forgotten = new Date(this.ledger.forgottenUntil as number).toISOString();
      return new AccountantError(
        'ACCOUNTANT_BUDGET_EXHAUSTED',
        `window refused: ${this.names.budgetHorizonMillis} is longer than the ledger's memory, which dropped spends up to ${forgotten} under a shorter horizon; ${when}`,
      );
    }
    return new AccountantError(
      'ACCOUNTANT_BUDGET_EXHAUSTED',
      `window refused: it would bring ε over the last ${this.names.budgetHorizonMillis} to ${epsilon}, above ${this.names.maxEpsilonHorizon} ${String(this.maxEpsilon)}; ${when}`,
    );
  }

  /** Queues a save of the whole ledger and waits for it; a failure rejects this call only. */
  private persist(): Promise<void> {
    const file = this.file;
    if (file === undefined) return Promise.resolve();
    const write = this.writes.then(() => {
      const contents = { entries: this.ledger.snapshot(), forgottenUntilMillis: this.ledger.forgottenUntil };
      const savedAt = this.now();
      return file.save(serializeLedger(contents, this.writerConfig, savedAt), contents.entries.length > 0, savedAt);
    });
    this.writes = write.catch(() => undefined);
    return write;
  }
}

/** The range of a JavaScript Date, so every time can be shown in a message. */
const MAX_TIME_MILLIS = 8.64e15;

function requireTime(atMillis: number): void {
  if (!(typeof atMillis === 'number' && Math.abs(atMillis) <= MAX_TIME_MILLIS)) {
    throw new AccountantError('ACCOUNTANT_SPEND', `time is ${String(atMillis)}, must be milliseconds since the epoch within ±8.64e15`);
  }
}
