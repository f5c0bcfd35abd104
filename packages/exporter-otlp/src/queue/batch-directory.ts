import { mkdir, open, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ExportBatch, Logger } from '@otel-dp/otlp';
import { ExporterError } from '../errors.js';
import { BATCH_FILE_HEADER_BYTES, decodeBatchFile, decodeBatchFileHeader, BatchFileError } from './batch-file.js';

const BATCH_FILE = /^(\d{16})\.batch$/;
const TEMP_SUFFIX = '.tmp';
const LOCK_FILE = 'queue.lock';

/** Directories locked by this process: the pid in the lock file cannot tell two queues of one process apart. */
const lockedHere = new Set<string>();

/** A batch found on disk at start, in delivery order. */
export interface StoredBatch {
  id: number;
  dataPoints: number;
}

/**
 * The persistent queue's directory: one file per batch, named by a
 * sequence number so that replay follows arrival order. A batch is written
 * to a temporary file, fsynced, renamed into place and the directory
 * fsynced, so after a crash a batch file is either whole or absent; a
 * leftover temporary file is the write that the crash interrupted.
 *
 * A lock file holding the owner's pid keeps a second process from sharing
 * the directory; a lock left by a dead process is taken over.
 */
export class BatchDirectory {
  private readonly lockKey: string;
  private locked = false;

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {
    this.lockKey = resolve(dir);
  }

  /**
   * Creates and locks the directory, removes interrupted writes, and lists
   * the batches to replay in order. Files that are cut short or not ours are
   * skipped with a warning (and removed). Throws EXPORT_QUEUE_IO.
   */
  async open(): Promise<StoredBatch[]> {
    try {
      await mkdir(this.dir, { recursive: true });
      await this.lock();
      const names = await readdir(this.dir);
      const found: StoredBatch[] = [];
      for (const name of names.sort()) {
        if (name.endsWith(TEMP_SUFFIX)) {
          this.logger.warn('export queue: removing a batch file whose write was interrupted', { file: name });
          await this.unlinkIfPresent(name);
          continue;
        }
        const match = BATCH_FILE.exec(name);
        if (match === null) continue;
        const dataPoints = await this.checkHeader(name);
        if (dataPoints !== undefined) found.push({ id: Number(match[1]), dataPoints });
      }
      return found;
    } catch (error) {
      throw queueIoError(`could not open queue directory ${this.dir}`, error);
    }
  }

  /** Writes a batch durably: resolves once the file and its directory entry are on disk. */
  async write(id: number, bytes: Buffer): Promise<void> {
    const name = fileName(id);
    const temp = name + TEMP_SUFFIX;
    try {
      const file = await open(join(this.dir, temp), 'w');
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
    } catch (error) {
      // A disk that is full now may not be later: leave no partial file behind.
      await this.unlinkIfPresent(temp).catch(() => undefined);
      throw error;
    }
    await rename(join(this.dir, temp), join(this.dir, name));
    await this.syncDirectory();
  }

  /** Reads a batch back; throws {@link BatchFileError} when the file is damaged. */
  async read(id: number): Promise<{ batch: ExportBatch; dataPoints: number }> {
    return decodeBatchFile(await readFile(join(this.dir, fileName(id))));
  }

  /** Deletes a batch; deleting one already gone is not an error, so delivery can be acknowledged twice. */
  async remove(id: number): Promise<void> {
    await this.unlinkIfPresent(fileName(id));
  }

  /** Releases the lock. */
  async close(): Promise<void> {
    if (!this.locked) return;
    this.locked = false;
    lockedHere.delete(this.lockKey);
    await this.unlinkIfPresent(LOCK_FILE);
  }

  private async lock(): Promise<void> {
    if (lockedHere.has(this.lockKey)) {
      throw new ExporterError('EXPORT_QUEUE_IO', `queue directory ${this.dir} is in use by another queue of this process; give each exporter its own directory`);
    }
    lockedHere.add(this.lockKey);
    try {
      await this.lockFile();
      this.locked = true;
    } catch (error) {
      lockedHere.delete(this.lockKey);
      throw error;
    }
  }

  private async lockFile(): Promise<void> {
    const path = join(this.dir, LOCK_FILE);
    try {
      await writeFile(path, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await readFile(path, 'utf8')).trim());
    if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new ExporterError('EXPORT_QUEUE_IO', `queue directory ${this.dir} is in use by process ${owner}; give each exporter its own directory`);
    }
    this.logger.warn('export queue: taking over the lock of a process that is gone', { dir: this.dir, previousPid: owner });
    await writeFile(path, String(process.pid));
  }

  /** The header's point count, or undefined (after a warning and removal) when the file is not a whole batch. */
  private async checkHeader(name: string): Promise<number | undefined> {
    const file = await open(join(this.dir, name), 'r');
    let header: ReturnType<typeof decodeBatchFileHeader> | undefined;
    let problem: string | undefined;
    try {
      const { size } = await file.stat();
      const head = Buffer.alloc(Math.min(size, BATCH_FILE_HEADER_BYTES));
      await file.read(head, 0, head.length, 0);
      header = decodeBatchFileHeader(head);
      if (header.totalBytes !== size) problem = `file is ${size} bytes, its header says ${header.totalBytes}`;
    } catch (error) {
      if (!(error instanceof BatchFileError)) throw error;
      problem = error.message;
    } finally {
      await file.close();
    }
    if (problem === undefined && header !== undefined) return header.dataPoints;
    this.logger.warn('export queue: skipping a damaged batch file', { file: name, problem });
    await this.unlinkIfPresent(name);
    return undefined;
  }

  private async unlinkIfPresent(name: string): Promise<void> {
    try {
      await unlink(join(this.dir, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  /** Makes a rename durable. Some file systems refuse to fsync a directory; the rename then stands as it is. */
  private async syncDirectory(): Promise<void> {
    const handle = await open(this.dir, 'r');
    try {
      await handle.sync();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw error;
    } finally {
      await handle.close();
    }
  }
}

function fileName(id: number): string {
  return `${String(id).padStart(16, '0')}.batch`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** An ExporterError with code EXPORT_QUEUE_IO naming what failed and the system error code. */
export function queueIoError(message: string, error: unknown): ExporterError {
  if (error instanceof ExporterError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new ExporterError('EXPORT_QUEUE_IO', `${message}: ${code}`, { cause: error });
}
