import { spawnSync } from 'node:child_process';

/** Which code a run measured: the commit, and the source files that differed from it. */
export interface CodeVersion {
  /** HEAD's commit id; undefined outside a git checkout. */
  commit: string | undefined;
  /** Source files (see {@link isMeasuredCode}) that differ from the commit: path → blob id of the file, or `missing`. */
  changed: Record<string, string>;
}

const MISSING = 'missing';

/** The code the benchmark runs: package sources and the CLI's entry point, not tests or documents. */
export function isMeasuredCode(path: string): boolean {
  return /^packages\/[^/]+\/(src|bin)\//.test(path);
}

function git(directory: string, args: string[]): string | undefined {
  const result = spawnSync('git', args, { cwd: directory, encoding: 'utf8', timeout: 30_000, maxBuffer: 64 * 1024 * 1024 });
  return result.status === 0 ? result.stdout : undefined;
}

/** Blob ids of working-tree files, as git would store them; `missing` for a deleted file. */
function hashFiles(directory: string, paths: string[]): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const path of paths) hashes[path] = git(directory, ['hash-object', '--', path])?.trim() ?? MISSING;
  return hashes;
}

/** Reads the commit and the changed source files in `directory`; an empty answer without git. */
export function codeVersion(directory: string): CodeVersion {
  const commit = git(directory, ['rev-parse', 'HEAD'])?.trim();
  if (commit === undefined) return { commit: undefined, changed: {} };
  const status = git(directory, ['status', '--porcelain', '--untracked-files=all', '-z']) ?? '';
  const paths = new Set<string>();
  const entries = status.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry.length < 4) continue;
    paths.add(entry.slice(3));
    // A rename or copy names its source in the next entry.
    if (entry[0] === 'R' || entry[0] === 'C') paths.add(entries[++i]);
  }
  return { commit, changed: hashFiles(directory, [...paths].filter(isMeasuredCode).sort()) };
}

/**
 * Source files whose content differs between two readings, e.g. at the start
 * and at the end of a run: other work rebuilding the packages mid-run would
 * make later measurements run other code than earlier ones.
 */
export function codeChangedBetween(directory: string, start: CodeVersion, end: CodeVersion): string[] {
  if (start.commit === undefined || end.commit === undefined) return [];
  const candidates = new Set([...Object.keys(start.changed), ...Object.keys(end.changed)]);
  if (start.commit !== end.commit) {
    const committed = git(directory, ['diff', '--name-only', start.commit, end.commit]) ?? '';
    for (const path of committed.split('\n')) if (isMeasuredCode(path)) candidates.add(path);
  }
  const blobAt = (commit: string, path: string) => git(directory, ['rev-parse', '--verify', '--quiet', `${commit}:${path}`])?.trim() ?? MISSING;
  return [...candidates]
    .filter((path) => (start.changed[path] ?? blobAt(start.commit!, path)) !== (end.changed[path] ?? blobAt(end.commit!, path)))
    .sort();
}
