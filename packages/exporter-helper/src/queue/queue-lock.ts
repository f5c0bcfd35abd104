import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@otel-dp/pipeline';
import { ExporterError } from '../errors.js';

export const LOCK_FILE = 'queue.lock';

/**
 * Who holds a lock. A pid alone cannot tell the owner from an unrelated
 * process that got the same pid after the owner died (pids are reused, and
 * in a container the sidecar is often pid 1 or close to it on every start);
 * the process's start time can. On Linux it is field 22 of
 * `/proc/<pid>/stat`, in clock ticks since boot, taken together with the
 * kernel's boot id, since the same tick count can recur after a reboot.
 * The boot id is used rather than the boot time of `/proc/stat`, which moves
 * when the wall clock is set and would make a live owner look gone.
 */
interface LockOwner {
  pid: number;
  /** Undefined where /proc cannot tell, and in a lock written by an earlier build (the pid alone). */
  startTicks: string | undefined;
  bootId: string | undefined;
}

/**
 * Takes the lock file of `dir` for this process. A lock whose process is
 * gone, or whose pid now belongs to a process started at another time, is
 * taken over with a warning; one held by a live owner throws EXPORT_QUEUE_IO.
 */
export async function takeQueueLock(dir: string, logger: Logger): Promise<void> {
  const path = join(dir, LOCK_FILE);
  const self = await ownerOf(process.pid);
  try {
    await writeFile(path, formatOwner(self), { flag: 'wx' });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const recorded = parseOwner(await readFile(path, 'utf8'));
  if (recorded !== undefined && recorded.pid !== process.pid) {
    const verdict = await ownerState(recorded);
    if (verdict === 'running') {
      throw new ExporterError('EXPORT_QUEUE_IO', `queue directory ${dir} is in use by process ${recorded.pid}; give each exporter its own directory`);
    }
    if (verdict === 'pid reused') {
      logger.warn('export queue: taking over a lock whose pid now belongs to another process', { dir, previousPid: recorded.pid });
      await writeFile(path, formatOwner(self));
      return;
    }
  }
  logger.warn('export queue: taking over the lock of a process that is gone', { dir, previousPid: recorded?.pid });
  await writeFile(path, formatOwner(self));
}

async function ownerState(recorded: LockOwner): Promise<'running' | 'gone' | 'pid reused'> {
  if (!isAlive(recorded.pid)) return 'gone';
  if (recorded.startTicks === undefined) return 'running';
  const current = await ownerOf(recorded.pid);
  if (current.startTicks === undefined) return 'running';
  const sameBoot = recorded.bootId === undefined || current.bootId === undefined || recorded.bootId === current.bootId;
  return sameBoot && current.startTicks === recorded.startTicks ? 'running' : 'pid reused';
}

/** `{"pid":…,"startTicks":"…","bootId":"…"}`, the last two absent where /proc cannot tell. */
function formatOwner(owner: LockOwner): string {
  return `${JSON.stringify(owner)}\n`;
}

/** Reads either format: the JSON of this build, or the bare pid of earlier ones. Undefined when neither. */
function parseOwner(text: string): LockOwner | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return validPid(Number(trimmed)) ? { pid: Number(trimmed), startTicks: undefined, bootId: undefined } : undefined;
  try {
    const parsed = JSON.parse(trimmed) as Partial<Record<keyof LockOwner, unknown>>;
    if (!validPid(parsed.pid)) return undefined;
    return { pid: parsed.pid, startTicks: stringOrUndefined(parsed.startTicks), bootId: stringOrUndefined(parsed.bootId) };
  } catch {
    return undefined;
  }
}

async function ownerOf(pid: number): Promise<LockOwner> {
  return { pid, startTicks: await startTicksOf(pid), bootId: await readTrimmed('/proc/sys/kernel/random/boot_id') };
}

/** Field 22 of /proc/<pid>/stat. The command name (field 2) is in parentheses and may hold spaces, so fields are counted after its `)`. */
async function startTicksOf(pid: number): Promise<string | undefined> {
  const stat = await readTrimmed(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = fields[22 - 3];
  return ticks !== undefined && /^\d+$/.test(ticks) ? ticks : undefined;
}

async function readTrimmed(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function validPid(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
