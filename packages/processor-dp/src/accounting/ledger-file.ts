import { mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AccountantError } from './errors.js';
import { parseLedger, type LedgerContents } from './ledger-format.js';

/** Name of the ledger inside `--state-dir`. */
export const LEDGER_FILE_NAME = 'privacy-ledger.json';
/** Written in full and fsynced before it is renamed over the ledger; one left behind by a crash is never read. */
export const LEDGER_TEMP_FILE_NAME = `${LEDGER_FILE_NAME}.tmp`;

/**
 * The ledger file in `--state-dir`, replaced atomically on each write: write
 * the temp file, fsync it, rename it over the ledger, fsync the directory.
 * After a crash the ledger is the old or the new version, never a mix.
 *
 * One process owns a state directory. Each write first checks that the
 * ledger still holds what this process read or wrote last (by content:
 * inode numbers are reused at once); if another process changed it, the
 * write fails rather than erase that process's spends.
 */
export class LedgerFile {
  readonly path: string;
  private readonly dir: string;
  private readonly tempPath: string;
  /** The ledger's text as last read or written; undefined while there is none. */
  private content: string | undefined;

  private constructor(dir: string, content: string | undefined) {
    this.dir = dir;
    this.path = join(dir, LEDGER_FILE_NAME);
    this.tempPath = join(dir, LEDGER_TEMP_FILE_NAME);
    this.content = content;
  }

  /**
   * Checks the directory and reads the ledger, if any (no ledger yet: an
   * empty one). A missing directory is created only when `createMissingDir`:
   * with a cap, a missing directory may be a volume that failed to mount,
   * and starting afresh would forget what was spent.
   */
  static async open(dir: string, options: { createMissingDir: boolean }): Promise<{ file: LedgerFile; contents: LedgerContents }> {
    await prepareDirectory(dir, options.createMissingDir);
    const path = join(dir, LEDGER_FILE_NAME);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { file: new LedgerFile(dir, undefined), contents: { entries: [], forgottenUntilMillis: undefined } };
      throw new AccountantError('ACCOUNTANT_STATE', `privacy ledger ${path} in --state-dir cannot be read (${errorCode(error)})`, { cause: error });
    }
    return { file: new LedgerFile(dir, text), contents: parseLedger(text, path) };
  }

  /** Replaces the ledger with `content`, durably, before resolving. Throws `ACCOUNTANT_STATE`. */
  async write(content: string): Promise<void> {
    await this.checkSoleWriter();
    try {
      const handle = await open(this.tempPath, 'w', 0o600);
      try {
        await handle.writeFile(content, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(this.tempPath, this.path);
      this.content = content;
      await syncDirectory(this.dir);
    } catch (error) {
      throw new AccountantError(
        'ACCOUNTANT_STATE',
        `cannot write privacy ledger ${this.path}: --state-dir ${this.dir} is not writable (${errorCode(error)})`,
        { cause: error },
      );
    }
  }

  private async checkSoleWriter(): Promise<void> {
    let current: string | undefined;
    try {
      current = await readFile(this.path, 'utf8');
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') {
        throw new AccountantError('ACCOUNTANT_STATE', `privacy ledger ${this.path} cannot be read back (${errorCode(error)})`, { cause: error });
      }
    }
    // A ledger deleted under us is rewritten from memory, which holds the whole horizon.
    if (current !== undefined && current !== this.content) {
      throw new AccountantError(
        'ACCOUNTANT_STATE',
        `privacy ledger ${this.path} was changed by another process; two processes must not share --state-dir ${this.dir}`,
      );
    }
  }
}

async function prepareDirectory(dir: string, createMissing: boolean): Promise<void> {
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw new AccountantError('ACCOUNTANT_STATE', `--state-dir ${dir} is not a directory`);
  } catch (error) {
    if (error instanceof AccountantError) throw error;
    const code = errorCode(error);
    if (code !== 'ENOENT') {
      throw new AccountantError('ACCOUNTANT_STATE', `--state-dir ${dir} cannot be used (${code})`, { cause: error });
    }
    if (!createMissing) {
      throw new AccountantError(
        'ACCOUNTANT_STATE',
        `--state-dir ${dir} does not exist; with --max-epsilon-horizon set the ledger must survive restarts, ` +
          'and a missing directory may be a lost volume whose spent budget would be forgotten. Create it (or fix the mount) and restart',
      );
    }
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (mkdirError) {
      throw new AccountantError('ACCOUNTANT_STATE', `--state-dir ${dir} cannot be created (${errorCode(mkdirError)})`, { cause: mkdirError });
    }
  }
}

/** Makes the rename durable: without it a power loss can bring the old ledger back. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : String(error);
}
