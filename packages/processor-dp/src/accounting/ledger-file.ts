import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode, replaceFileDurably, temporaryName } from './durable-write.js';
import { AccountantError } from './errors.js';

/** Name of the ledger inside the state directory. */
export const LEDGER_FILE_NAME = 'privacy-ledger.json';
/** Written in full and fsynced before it is renamed over the ledger; one left behind by a crash is never read. */
export const LEDGER_TEMP_FILE_NAME = temporaryName(LEDGER_FILE_NAME);

/**
 * The ledger file in the state directory, replaced atomically on each write (see
 * `replaceFileDurably`): after a crash the ledger is the old or the new
 * version, never a mix.
 *
 * One process owns a state directory. Each write first checks that the
 * ledger still holds what this process read or wrote last (by content:
 * inode numbers are reused at once); if another process changed it, the
 * write fails rather than erase that process's spends.
 */
export class LedgerFile {
  readonly path: string;
  private readonly dir: string;
  /** The ledger's text as last read or written; undefined while there is none. */
  private content: string | undefined;

  /** @param stateDirName what messages call the state directory's setting. */
  constructor(dir: string, content: string | undefined, private readonly stateDirName = 'stateDir') {
    this.dir = dir;
    this.path = join(dir, LEDGER_FILE_NAME);
    this.content = content;
  }

  /** Replaces the ledger with `content`, durably, before resolving. Throws `ACCOUNTANT_STATE`. */
  async write(content: string): Promise<void> {
    await this.checkSoleWriter();
    try {
      await replaceFileDurably(this.dir, LEDGER_FILE_NAME, content, () => {
        this.content = content;
      });
    } catch (error) {
      throw new AccountantError(
        'ACCOUNTANT_STATE',
        `cannot write privacy ledger ${this.path}: ${this.stateDirName} ${this.dir} is not writable (${errorCode(error)})`,
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
        `privacy ledger ${this.path} was changed by another process; two processes must not share ${this.stateDirName} ${this.dir}`,
      );
    }
  }
}
