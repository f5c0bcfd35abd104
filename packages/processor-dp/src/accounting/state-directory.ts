import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode, replaceFileDurably, temporaryName } from './durable-write.js';
import { AccountantError } from './errors.js';
import { LEDGER_FILE_NAME, LEDGER_TEMP_FILE_NAME, LedgerFile } from './ledger-file.js';
import { parseLedger, type LedgerContents } from './ledger-format.js';
import type { AccountantNames } from './setting-names.js';
import { parseStateMarker, serializeStateMarker, STATE_MARKER_FILE_NAME, type StateMarker } from './state-marker.js';

/**
 * What a freshly made file system holds at its root, and what an interrupted
 * first write leaves: none of them means the directory was in use.
 */
const IGNORED_WHEN_EMPTY: ReadonlySet<string> = new Set(['lost+found', LEDGER_TEMP_FILE_NAME, temporaryName(STATE_MARKER_FILE_NAME)]);

export interface StateDirectoryOptions {
  /**
   * Create a missing directory. Only without a cap: with one, a missing
   * directory may be a volume that failed to mount.
   */
  createMissingDir: boolean;
  /** A directory holding other files but no ledger and no marker starts an empty ledger. */
  startFresh: boolean;
  /** The clock at start, in milliseconds since the epoch. */
  nowMillis: number;
  /** How far past `nowMillis` a ledger time may lie (clock skew, early releases) before the ledger is refused. */
  aheadAllowanceMillis: number;
  /** What messages call the settings. */
  names: AccountantNames;
}

/** Why an empty ledger is started, for the log line that says so: the last is the name of the setting that asked for it. */
export type FreshStartReason = 'directory created' | 'directory empty' | (string & {});

export interface OpenedStateDirectory {
  directory: StateDirectory;
  contents: LedgerContents;
  /** Set when no ledger was read and the budget starts from nothing. */
  freshStart: FreshStartReason | undefined;
}

/**
 * The state directory: the ledger and the marker that says otel-dp uses the
 * directory. Opening decides whether the ledger can be trusted:
 *
 * | marker | ledger | outcome |
 * | --- | --- | --- |
 * | any | present | read; refused if damaged, emptied after a spend, or ahead of the clock |
 * | present | missing | refused: the ledger was lost |
 * | missing | missing | fresh start if the directory is empty or `startFresh`; else refused |
 *
 * A ledger without a marker (written before markers existed) is read and the
 * marker added. The marker is written after the ledger, so a crash between
 * the two leaves a ledger without a marker, which is read, never a marker
 * without a ledger, which would be refused.
 */
export class StateDirectory {
  private readonly dir: string;
  private readonly ledger: LedgerFile;
  private marker: StateMarker | undefined;

  private constructor(dir: string, ledger: LedgerFile, marker: StateMarker | undefined, private readonly names: AccountantNames) {
    this.dir = dir;
    this.ledger = ledger;
    this.marker = marker;
  }

  /** Throws `ACCOUNTANT_STATE` when the directory or what it holds cannot be trusted; the message says what to do. */
  static async open(dir: string, options: StateDirectoryOptions): Promise<OpenedStateDirectory> {
    const { names } = options;
    const created = await prepareDirectory(dir, options.createMissingDir, names);
    const markerPath = join(dir, STATE_MARKER_FILE_NAME);
    const markerText = await readIfPresent(markerPath, 'state marker', names);
    const marker = markerText === undefined ? undefined : parseStateMarker(markerText, markerPath, names.stateDir);
    const ledgerPath = join(dir, LEDGER_FILE_NAME);
    const ledgerText = await readIfPresent(ledgerPath, 'privacy ledger', names);
    const directory = new StateDirectory(dir, new LedgerFile(dir, ledgerText, names.stateDir), marker, names);
    if (ledgerText !== undefined) {
      const contents = readLedger(ledgerText, ledgerPath, marker, options);
      return { directory, contents, freshStart: undefined };
    }
    if (marker !== undefined) throw lostLedger(ledgerPath, markerPath, names);
    const freshStart = created ? 'directory created' : (await isEmpty(dir, names)) ? 'directory empty' : options.startFresh ? names.startFreshBudget : undefined;
    if (freshStart === undefined) throw unknownDirectory(dir, names);
    return { directory, contents: { entries: [], forgottenUntilMillis: undefined }, freshStart };
  }

  /**
   * Saves the ledger, then the marker when it is missing or does not yet
   * record that the ledger held a spend. Throws `ACCOUNTANT_STATE`.
   */
  async save(ledgerContent: string, holdsSpends: boolean, nowMillis: number): Promise<void> {
    await this.ledger.write(ledgerContent);
    if (this.marker !== undefined && (this.marker.firstSpendSavedAtMillis !== null || !holdsSpends)) return;
    const marker: StateMarker = {
      initialisedAtMillis: this.marker?.initialisedAtMillis ?? nowMillis,
      firstSpendSavedAtMillis: holdsSpends ? nowMillis : null,
    };
    try {
      await replaceFileDurably(this.dir, STATE_MARKER_FILE_NAME, serializeStateMarker(marker));
    } catch (error) {
      throw new AccountantError(
        'ACCOUNTANT_STATE',
        `cannot write state marker ${join(this.dir, STATE_MARKER_FILE_NAME)}: ${this.names.stateDir} ${this.dir} is not writable (${errorCode(error)})`,
        { cause: error },
      );
    }
    this.marker = marker;
  }
}

function readLedger(text: string, path: string, marker: StateMarker | undefined, options: StateDirectoryOptions): LedgerContents {
  const stateDir = options.names.stateDir;
  if (text.length === 0) {
    throw new AccountantError(
      'ACCOUNTANT_STATE',
      `privacy ledger ${path} is empty (0 bytes): it was truncated, and the spends it held are unknown; refusing to start rather than forget them. ` +
        `Restore it from a backup, or move it and ${STATE_MARKER_FILE_NAME} out of ${stateDir} to start a new budget horizon on purpose`,
    );
  }
  const contents = parseLedger(text, path, stateDir);
  if (contents.entries.length === 0 && marker?.firstSpendSavedAtMillis != null) {
    throw new AccountantError(
      'ACCOUNTANT_STATE',
      `privacy ledger ${path} holds no spend, but ${STATE_MARKER_FILE_NAME} says it held one since ` +
        `${new Date(marker.firstSpendSavedAtMillis).toISOString()} and the ledger always keeps its newest spend: its entries were removed. ` +
        `Refusing to start rather than forget them. Restore the ledger from a backup, or move it and ${STATE_MARKER_FILE_NAME} ` +
        `out of ${stateDir} to start a new budget horizon on purpose`,
    );
  }
  const latest = Math.max(contents.entries.at(-1)?.atMillis ?? -Infinity, contents.forgottenUntilMillis ?? -Infinity);
  if (latest > options.nowMillis + options.aheadAllowanceMillis) {
    const aheadSeconds = Math.ceil((latest - options.nowMillis) / 1000);
    throw new AccountantError(
      'ACCOUNTANT_STATE',
      `privacy ledger ${path} holds a spend at ${new Date(latest).toISOString()}, ${aheadSeconds} s after this machine's clock ` +
        `(${new Date(options.nowMillis).toISOString()}), more than the ${Math.round(options.aheadAllowanceMillis / 1000)} s allowed for clock skew ` +
        'and early releases. If this clock is behind, correct it (NTP) and restart. If the ledger was written under a clock that ran ahead, ' +
        `the budget it records is only safe after that time: wait until then, or move the ledger and ${STATE_MARKER_FILE_NAME} out of ` +
        `${stateDir} to start a new budget horizon on purpose`,
    );
  }
  return contents;
}

/** Checks the directory, creating it when allowed; true when it was created. */
async function prepareDirectory(dir: string, createMissing: boolean, names: AccountantNames): Promise<boolean> {
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw new AccountantError('ACCOUNTANT_STATE', `${names.stateDir} ${dir} is not a directory`);
    return false;
  } catch (error) {
    if (error instanceof AccountantError) throw error;
    const code = errorCode(error);
    if (code !== 'ENOENT') {
      throw new AccountantError('ACCOUNTANT_STATE', `${names.stateDir} ${dir} cannot be used (${code})`, { cause: error });
    }
  }
  if (!createMissing) {
    throw new AccountantError(
      'ACCOUNTANT_STATE',
      `${names.stateDir} ${dir} does not exist; with ${names.maxEpsilonHorizon} set the ledger must survive restarts, ` +
        'and a missing directory may be a lost volume whose spent budget would be forgotten. Create it (or fix the mount) and restart',
    );
  }
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new AccountantError('ACCOUNTANT_STATE', `${names.stateDir} ${dir} cannot be created (${errorCode(error)})`, { cause: error });
  }
  return true;
}

async function readIfPresent(path: string, what: string, names: AccountantNames): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new AccountantError('ACCOUNTANT_STATE', `${what} ${path} in ${names.stateDir} cannot be read (${errorCode(error)})`, { cause: error });
  }
}

async function isEmpty(dir: string, names: AccountantNames): Promise<boolean> {
  try {
    return (await readdir(dir)).every((name) => IGNORED_WHEN_EMPTY.has(name));
  } catch (error) {
    throw new AccountantError('ACCOUNTANT_STATE', `${names.stateDir} ${dir} cannot be listed (${errorCode(error)})`, { cause: error });
  }
}

function lostLedger(ledgerPath: string, markerPath: string, names: AccountantNames): AccountantError {
  return new AccountantError(
    'ACCOUNTANT_STATE',
    `privacy ledger ${ledgerPath} is missing, but ${markerPath} shows otel-dp has used this ${names.stateDir}: the ledger was deleted or ` +
      'the wrong volume is mounted, and starting anew would forget the spent budget. Restore the ledger from a backup (or fix the mount) ' +
      `and restart; to start a new budget horizon on purpose, delete ${STATE_MARKER_FILE_NAME} and restart with ${names.startFreshBudget} yes`,
  );
}

function unknownDirectory(dir: string, names: AccountantNames): AccountantError {
  return new AccountantError(
    'ACCOUNTANT_STATE',
    `${names.stateDir} ${dir} holds files but no privacy ledger and no ${STATE_MARKER_FILE_NAME}: it may be the wrong directory, ` +
      'or a volume whose ledger was lost. Check the path and the mount; if this is the first start on purpose, ' +
      `restart with ${names.startFreshBudget} yes to begin with an empty ledger`,
  );
}
