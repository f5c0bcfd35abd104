import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/** packages/processor-dp/src, from dist/test/noise where this file runs. */
const SOURCE_ROOT = fileURLToPath(new URL('../../../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

test('the processor sources exist where this test looks', () => {
  const files = sourceFiles(SOURCE_ROOT).map((path) => relative(SOURCE_ROOT, path));
  assert.ok(files.includes(join('noise', 'random-source.ts')), `found ${files.join(', ')}`);
});

test('no processor source uses Math.random', () => {
  const offenders = sourceFiles(SOURCE_ROOT).filter((path) => /Math\s*\.\s*random\b/.test(readFileSync(path, 'utf8')));
  assert.deepEqual(offenders.map((path) => relative(SOURCE_ROOT, path)), []);
});

test('only the crypto random source imports node:crypto', () => {
  const importsCrypto = /(?:from\s*|import\s*\(\s*|require\s*\(\s*)['"](?:node:)?crypto['"]/;
  const importers = sourceFiles(SOURCE_ROOT)
    .filter((path) => importsCrypto.test(readFileSync(path, 'utf8')))
    .map((path) => relative(SOURCE_ROOT, path));
  assert.deepEqual(importers, [join('noise', 'random-source.ts')]);
});
