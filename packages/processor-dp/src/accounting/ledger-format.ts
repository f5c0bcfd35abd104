import type { SpendTotals } from './composition.js';
import { AccountantError } from './errors.js';
import type { LedgerEntry } from './sliding-ledger.js';

/** Tells a ledger apart from any other JSON file that might sit in the state directory. */
export const LEDGER_FORMAT = 'otel-dp-privacy-ledger';
/** Bumped on any change a reader of the previous version would misread. */
export const LEDGER_SCHEMA_VERSION = 1;

/** The configuration that wrote a ledger, kept for audit (a restart may change it). */
export interface LedgerWriterConfig {
  horizonMillis: number;
  maxEpsilon: number | null;
  conversionDelta: number;
}

/** What a ledger file holds besides its header. */
export interface LedgerContents {
  /** Oldest first. */
  entries: readonly LedgerEntry[];
  /** Time of the latest entry ever dropped (see `SlidingLedger`); undefined while none was. */
  forgottenUntilMillis: number | undefined;
}

/**
 * The ledger file, one JSON object:
 * `{ format, version, config, savedAtMillis, forgottenUntilMillis,
 * entries: [{ atMillis, zcdpRho, gaussianRho, pureEpsilon, selectionDelta,
 * windows }] }`, entries oldest first, `forgottenUntilMillis` null while no
 * entry was dropped. Numbers are JSON doubles, which round-trip exactly.
 */
interface LedgerDocument {
  format: typeof LEDGER_FORMAT;
  version: typeof LEDGER_SCHEMA_VERSION;
  config: LedgerWriterConfig;
  savedAtMillis: number;
  forgottenUntilMillis: number | null;
  entries: ({ atMillis: number } & SpendTotals)[];
}

export function serializeLedger(contents: Readonly<LedgerContents>, config: LedgerWriterConfig, savedAtMillis: number): string {
  const document: LedgerDocument = {
    format: LEDGER_FORMAT,
    version: LEDGER_SCHEMA_VERSION,
    config,
    savedAtMillis,
    forgottenUntilMillis: contents.forgottenUntilMillis ?? null,
    entries: contents.entries.map(({ atMillis, totals }) => ({ atMillis, ...totals })),
  };
  return `${JSON.stringify(document, null, 1)}\n`;
}

const TOTAL_FIELDS = ['zcdpRho', 'gaussianRho', 'pureEpsilon', 'selectionDelta', 'windows'] as const;

/**
 * Reads a ledger written by {@link serializeLedger}. Anything else (truncated,
 * not JSON, another format or version, a negative or unordered entry) throws
 * `ACCOUNTANT_STATE`: the ledger is never reset behind the operator's back.
 */
export function parseLedger(text: string, path: string, stateDirName = 'stateDir'): LedgerContents {
  const corrupt = (what: string) => corruptLedger(path, what, stateDirName);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw corrupt('is not valid JSON (truncated or overwritten)');
  }
  if (!isObject(document) || document.format !== LEDGER_FORMAT) {
    throw corrupt(`is not an otel-dp privacy ledger (format is not "${LEDGER_FORMAT}")`);
  }
  if (document.version !== LEDGER_SCHEMA_VERSION) {
    throw corrupt(`has schema version ${String(document.version)}, this build reads version ${LEDGER_SCHEMA_VERSION}`);
  }
  const forgotten = document.forgottenUntilMillis;
  if (!(forgotten === null || Number.isFinite(forgotten))) throw corrupt('has a malformed forgottenUntilMillis');
  if (!Array.isArray(document.entries)) throw corrupt('has no entries list');
  const entries: LedgerEntry[] = [];
  for (const [index, raw] of document.entries.entries()) {
    const entry = parseEntry(raw);
    if (entry === undefined) throw corrupt(`has a malformed entry at index ${index}`);
    if (index > 0 && entry.atMillis < entries[index - 1].atMillis) {
      throw corrupt(`has entries out of time order at index ${index}`);
    }
    entries.push(entry);
  }
  return { entries, forgottenUntilMillis: forgotten === null ? undefined : (forgotten as number) };
}

function parseEntry(raw: unknown): LedgerEntry | undefined {
  if (!isObject(raw) || !Number.isFinite(raw.atMillis)) return undefined;
  const totals = {} as SpendTotals;
  for (const field of TOTAL_FIELDS) {
    const value = raw[field];
    if (!(typeof value === 'number' && value >= 0 && value !== Infinity)) return undefined;
    totals[field] = value;
  }
  if (!Number.isSafeInteger(totals.windows) || totals.windows < 1) return undefined;
  return { atMillis: raw.atMillis as number, totals };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function corruptLedger(path: string, what: string, stateDirName: string): AccountantError {
  return new AccountantError(
    'ACCOUNTANT_STATE',
    `privacy ledger ${path} ${what}; refusing to start rather than forget the spent budget. ` +
      `Restore the file from a backup, or move it out of ${stateDirName} to start a new horizon on purpose`,
  );
}
