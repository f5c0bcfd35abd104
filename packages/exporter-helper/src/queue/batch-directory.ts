import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ExportBatch, Logger } from '@otel-dp/pipeline';
import { ExporterError } from '../errors.js';
import { BATCH_FILE_HEADER_BYTES, decodeBatchFile, decodeBatchFileHeader, BatchFileError, type BatchFileHeader } from './batch-file.js';
import { LOCK_FILE, takeQueueLock } from './queue-lock.js';

const BATCH_FILE = /^(\d{16})\.batch$/;
const TEMP_SUFFIX = '.tmp';

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
 * Each file records the sequence number it was written under, so a copy
 * of a batch file under another name is recognised and removed rather than
 * delivered twice; so is a second file with the same content.
 *
 * A lock file naming the owner (pid and start time, see `queue-lock.ts`)
 * keeps a second process from sharing the directory; a lock left by a
 * process that is gone is taken over.
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
   * the batches to replay in order. Files that are cut short or not ours,
   * and copies of a batch under another name, are skipped with a warning
   * (and removed). Throws EXPORT_QUEUE_IO.
   */
  async open(): Promise<StoredBatch[]> {
    try {
      await mkdir(this.dir, { recursive: true });
      await this.lock();
      const names = await readdir(this.dir);
      const found: StoredBatch[] = [];
      const seenWithoutSequence = new Map<string, string>();
      for (const name of names.sort()) {
        if (name.endsWith(TEMP_SUFFIX)) {
          this.logger.warn('export queue: removing a batch file whose write was interrupted', { file: name });
          await this.unlinkIfPresent(name);
          continue;
        }
        const match = BATCH_FILE.exec(name);
        if (match === null) continue;
        const id = Number(match[1]);
        const header = await this.checkHeader(name);
        if (header === undefined) continue;
        const original = copiedFrom(id, header, seenWithoutSequence);
        if (original !== undefined) {
          this.logger.warn('export queue: removing a copy of a batch file, so that the batch is delivered once', { file: name, original });
          await this.unlinkIfPresent(name);
          continue;
        }
        if (header.sequence === undefined) seenWithoutSequence.set(header.digest, name);
        found.push({ id, dataPoints: header.dataPoints });
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
      await takeQueueLock(this.dir, this.logger);
      this.locked = true;
    } catch (error) {
      lockedHere.delete(this.lockKey);
      throw error;
    }
  }

  /** The file's header, or undefined (after a warning and removal) when the file is not a whole batch. */
  private async checkHeader(name: string): Promise<BatchFileHeader | undefined> {
    const file = await open(join(this.dir, name), 'r');
    let header: BatchFileHeader | undefined;
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
    if (problem === undefined && header !== undefined) return header;
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

/**
 * The file a batch file named for `id` was copied from, or undefined when it
 * is an original. A file records the sequence it was written under, so a
 * copy under another name gives itself away; files of earlier builds record
 * none, and two of them with the same content are taken for one batch (a
 * DP release carries its window's times and noise, so two never coincide).
 */
function copiedFrom(id: number, header: BatchFileHeader, seenWithoutSequence: ReadonlyMap<string, string>): string | undefined {
  if (header.sequence !== undefined) return header.sequence === id ? undefined : fileName(header.sequence);
  return seenWithoutSequence.get(header.digest);
}

function fileName(id: number): string {
  return `${String(id).padStart(16, '0')}.batch`;
}

/** An ExporterError with code EXPORT_QUEUE_IO naming what failed and the system error code. */
export function queueIoError(message: string, error: unknown): ExporterError {
  if (error instanceof ExporterError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new ExporterError('EXPORT_QUEUE_IO', `${message}: ${code}`, { cause: error });
}
