import { AccountantError } from './errors.js';

/**
 * Name of the marker inside the state directory. otel-dp writes it when it first
 * uses a directory, so a directory that lost its ledger can be told apart
 * from one that never had one.
 */
export const STATE_MARKER_FILE_NAME = '.otel-dp-state';
/** Tells the marker apart from any other file of that name. */
export const STATE_MARKER_FORMAT = 'otel-dp-state';
/** Bumped on any change a reader of the previous version would misread. */
export const STATE_MARKER_VERSION = 1;

/** What the marker remembers about its directory. */
export interface StateMarker {
  /** When otel-dp first used the directory, in milliseconds since the epoch (the writer's clock). */
  initialisedAtMillis: number;
  /**
   * When the ledger was first saved holding a spend; null while it never
   * did. The ledger keeps its newest entry however old it is, so once this
   * is set an empty ledger means entries were removed.
   */
  firstSpendSavedAtMillis: number | null;
}

/** `{ format, version, initialisedAtMillis, firstSpendSavedAtMillis }`, one JSON object. */
export function serializeStateMarker(marker: Readonly<StateMarker>): string {
  const document = { format: STATE_MARKER_FORMAT, version: STATE_MARKER_VERSION, ...marker };
  return `${JSON.stringify(document, null, 1)}\n`;
}

/** Reads a marker written by {@link serializeStateMarker}; anything else throws `ACCOUNTANT_STATE`. */
export function parseStateMarker(text: string, path: string, stateDirName = 'stateDir'): StateMarker {
  const damaged = (what: string) => damagedMarker(path, what, stateDirName);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw damaged('is not valid JSON');
  }
  if (typeof document !== 'object' || document === null || (document as { format?: unknown }).format !== STATE_MARKER_FORMAT) {
    throw damaged(`is not an otel-dp state marker (format is not "${STATE_MARKER_FORMAT}")`);
  }
  const { version, initialisedAtMillis, firstSpendSavedAtMillis } = document as Record<string, unknown>;
  if (version !== STATE_MARKER_VERSION) {
    throw damaged(`has version ${String(version)}, this build reads version ${STATE_MARKER_VERSION}`);
  }
  if (!Number.isFinite(initialisedAtMillis) || !(firstSpendSavedAtMillis === null || Number.isFinite(firstSpendSavedAtMillis))) {
    throw damaged('has a malformed time');
  }
  return { initialisedAtMillis: initialisedAtMillis as number, firstSpendSavedAtMillis: firstSpendSavedAtMillis as number | null };
}

function damagedMarker(path: string, what: string, stateDirName: string): AccountantError {
  return new AccountantError(
    'ACCOUNTANT_STATE',
    `state marker ${path} ${what}; refusing to start rather than guess whether the privacy ledger beside it is complete. ` +
      `Restore ${stateDirName} from a backup, or empty it to start a new budget horizon on purpose`,
  );
}
