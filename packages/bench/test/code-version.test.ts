import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { codeChangedBetween, codeVersion, isMeasuredCode } from '../src/code-version.js';

const repo = mkdtempSync(join(tmpdir(), 'bench-code-version-'));
const git = (...args: string[]) => {
  const result = spawnSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', ...args], { cwd: repo, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
};
const write = (path: string, text: string) => {
  mkdirSync(join(repo, path, '..'), { recursive: true });
  writeFileSync(join(repo, path), text);
};

describe('code versions', () => {
  after(() => rmSync(repo, { recursive: true, force: true }));

  it('counts package sources and the CLI entry point as measured code, not tests or documents', () => {
    assert.ok(isMeasuredCode('packages/processor-dp/src/window.ts'));
    assert.ok(isMeasuredCode('packages/sidecar/bin/otel-dp.js'));
    assert.ok(!isMeasuredCode('packages/processor-dp/test/window.test.ts'));
    assert.ok(!isMeasuredCode('packages/processor-dp/README.md'));
  });

  it('names the source files that changed between two readings, not those committed unchanged', () => {
    git('init', '-q');
    write('packages/a/src/one.ts', 'export const one = 1;\n');
    write('packages/a/README.md', 'a\n');
    git('add', '.');
    git('commit', '-q', '-m', 'first');
    const clean = codeVersion(repo);
    assert.match(clean.commit ?? '', /^[0-9a-f]{40}$/);
    assert.deepEqual(clean.changed, {});

    write('packages/a/src/one.ts', 'export const one = 2;\n');
    write('packages/a/src/two.ts', 'export const two = 2;\n');
    write('packages/a/README.md', 'b\n');
    const edited = codeVersion(repo);
    assert.deepEqual(Object.keys(edited.changed), ['packages/a/src/one.ts', 'packages/a/src/two.ts']);
    assert.deepEqual(codeChangedBetween(repo, clean, edited), ['packages/a/src/one.ts', 'packages/a/src/two.ts']);

    git('add', '.');
    git('commit', '-q', '-m', 'second');
    const committed = codeVersion(repo);
    assert.notEqual(committed.commit, clean.commit);
    assert.deepEqual(codeChangedBetween(repo, edited, committed), [], 'committing the same content changes no code');
    assert.deepEqual(codeChangedBetween(repo, clean, committed), ['packages/a/src/one.ts', 'packages/a/src/two.ts']);
  });

  it('answers nothing outside a repository', () => {
    const outside = mkdtempSync(join(tmpdir(), 'bench-no-git-'));
    try {
      assert.deepEqual(codeVersion(outside), { commit: undefined, changed: {} });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
