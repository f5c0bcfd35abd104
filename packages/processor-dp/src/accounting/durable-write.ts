import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Replaces `dir/name` with `content`, mode 0600: write `name.tmp`, fsync it,
 * rename it over `name`, fsync the directory. After a crash the file is the
 * old or the new version, never a mix; a leftover `.tmp` is never read.
 * `afterRename` runs once the new version is in place, even when the
 * directory fsync that follows fails.
 */
export async function replaceFileDurably(dir: string, name: string, content: string, afterRename?: () => void): Promise<void> {
  const tempPath = join(dir, temporaryName(name));
  const handle = await open(tempPath, 'w', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tempPath, join(dir, name));
  afterRename?.();
  await syncDirectory(dir);
}

/** Where {@link replaceFileDurably} writes `name` before the rename. */
export function temporaryName(name: string): string {
  return `${name}.tmp`;
}

/** Makes a rename durable: without it a power loss can bring the old file back. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The system error code (`ENOENT`, `EACCES`, …) of a failed file operation, or the error as text. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : String(error);
}
