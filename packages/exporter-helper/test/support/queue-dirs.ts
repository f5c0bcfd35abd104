import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

const dirs: string[] = [];
// Imported by test files only: the directories go after the tests of the file that made them.
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** A fresh directory under the system's temporary one, removed after the file's tests. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'otel-dp-queue-'));
  dirs.push(dir);
  return dir;
}

/** The batch files in a queue directory, in queue order. */
export async function batchFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.batch')).sort();
}
