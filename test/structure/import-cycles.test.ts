import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/** The repository root, from test/dist/structure where this file runs. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Every specifier of a static import or re-export, type-only ones included: a type cycle ties modules together as firmly. */
const SPECIFIER = /(?:^|[\s;])(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*['"]([^'"]+)['"]/g;

type Graph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function specifiers(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(SPECIFIER)].map((match) => match[1]);
}

/** Modules of one source folder and the modules of that folder each imports by a relative path. */
function moduleGraph(files: readonly string[]): Graph {
  return new Map(
    files.map((file) => [
      file,
      specifiers(file)
        .filter((specifier) => specifier.startsWith('./') || specifier.startsWith('../'))
        .map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, '.ts'))),
    ]),
  );
}

interface WorkspacePackage {
  name: string;
  folder: string;
  /** Workspace packages named in dependencies or devDependencies. */
  dependsOn: string[];
}

function workspacePackages(): WorkspacePackage[] {
  const folders = [...readdirSync(join(ROOT, 'packages')).map((name) => join(ROOT, 'packages', name)), join(ROOT, 'test'), join(ROOT, 'deploy')];
  return folders
    .filter((folder) => existsSync(join(folder, 'package.json')))
    .map((folder) => {
      const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      const declared = { ...manifest.dependencies, ...manifest.devDependencies };
      return { name: manifest.name, folder, dependsOn: Object.keys(declared).filter((name) => declared[name].startsWith('workspace:')) };
    });
}

/** The members of every strongly connected component of more than one node, or of a node that reaches itself (Tarjan's algorithm). */
function cycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** The workspace package an `@otel-dp/…` specifier names, without its subpath (`/testing`). */
function packageOf(specifier: string): string | undefined {
  const match = /^(@otel-dp\/[^/]+)/.exec(specifier);
  return match?.[1];
}

describe('import cycles', () => {
  const packages = workspacePackages();

  it('the cycle finder finds a cycle, through type-only imports too, and a module importing itself', () => {
    assert.deepEqual(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]])), [['a', 'b', 'c']]);
    assert.deepEqual(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', []]])), []);
    assert.deepEqual(cycles(new Map([['a', ['a']]])), [['a']]);
    const text = "import type { X } from './x.js';\nexport { y } from '../y.js';\nimport './z.js';\nimport { w } from '@otel-dp/pipeline/testing';";
    assert.deepEqual([...text.matchAll(SPECIFIER)].map((match) => match[1]), ['./x.js', '../y.js', './z.js', '@otel-dp/pipeline/testing']);
  });

  it('reads every workspace package and the graphs from the files they name', () => {
    const names = packages.map((p) => p.name);
    for (const name of ['@otel-dp/otlp', '@otel-dp/pipeline', '@otel-dp/processor-dp', '@otel-dp/sidecar']) assert.ok(names.includes(name), `${name} is read`);
    assert.ok(packages.find((p) => p.name === '@otel-dp/sidecar')!.dependsOn.includes('@otel-dp/processor-dp'));
    const src = join(ROOT, 'packages', 'processor-dp', 'src');
    const graph = moduleGraph(sourceFiles(src));
    assert.ok(graph.get(join(src, 'processor.ts'))?.includes(join(src, 'config.ts')), 'processor.ts imports config.ts');
    for (const p of packages) {
      const files = sourceFiles(join(p.folder, 'src'));
      const modules = moduleGraph(files);
      const missing = [...modules.values()].flat().filter((target) => !modules.has(target));
      assert.deepEqual(missing.map((path) => relative(ROOT, path)), [], `every relative import of ${p.name}'s src names one of its source files`);
    }
  });

  it('every workspace package a package imports is one it declares, so the dependency graph is the import graph', () => {
    const undeclared: string[] = [];
    for (const p of packages) {
      const files = ['src', 'test', 'e2e', 'support', 'audit', 'structure'].flatMap((folder) => sourceFiles(join(p.folder, folder)));
      for (const file of files) {
        for (const name of specifiers(file).map(packageOf)) {
          if (name !== undefined && name !== p.name && !p.dependsOn.includes(name)) undeclared.push(`${relative(ROOT, file)} imports ${name}`);
        }
      }
    }
    assert.deepEqual(undeclared, []);
  });

  it('no cycle between workspace packages', () => {
    assert.deepEqual(cycles(new Map(packages.map((p) => [p.name, p.dependsOn]))), []);
  });

  it('no cycle between the source modules of any package', () => {
    const found = packages.flatMap((p) => cycles(moduleGraph(sourceFiles(join(p.folder, 'src')))).map((cycle) => cycle.map((path) => relative(ROOT, path))));
    assert.deepEqual(found, []);
  });
});
