import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/** packages/processor-dp/src, from dist/test where this file runs. */
const SOURCE_ROOT = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every relative specifier of a static import or re-export, type-only ones included: a type cycle ties the modules together as firmly. */
const SPECIFIER = /(?:^|[\s;])(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = [...readFileSync(file, 'utf8').matchAll(SPECIFIER)].map((match) => resolve(dirname(file), match[1].replace(/\.js$/, '.ts')));
    graph.set(file, targets);
  }
  return graph;
}

/** One cycle per strongly connected component of more than one module (or a module importing itself), as a list of paths. */
function cycles(graph: Map<string, string[]>): string[][] {
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
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.map((path) => relative(SOURCE_ROOT, path)).sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

test('the import graph of the processor sources is read from the files it names', () => {
  const graph = importGraph(sourceFiles(SOURCE_ROOT));
  const processor = graph.get(join(SOURCE_ROOT, 'processor.ts'));
  assert.ok(processor !== undefined, `no processor.ts under ${SOURCE_ROOT}`);
  const missing = [...graph.values()].flat().filter((target) => !graph.has(target));
  assert.deepEqual(missing, [], 'every relative import names a source file');
  assert.ok(processor.includes(join(SOURCE_ROOT, 'config.ts')), 'processor.ts imports config.ts');
});

test('the cycle finder finds a cycle through type-only imports', () => {
  const a = join(SOURCE_ROOT, 'a.ts');
  const b = join(SOURCE_ROOT, 'b.ts');
  const c = join(SOURCE_ROOT, 'c.ts');
  assert.deepEqual(cycles(new Map([[a, [b]], [b, [c]], [c, [a]]])), [['a.ts', 'b.ts', 'c.ts']]);
  assert.deepEqual(cycles(new Map([[a, [b]], [b, [c]], [c, []]])), []);
  const text = "import type { X } from './x.js';\nexport { y } from '../y.js';\nimport './z.js';";
  assert.deepEqual([...text.matchAll(SPECIFIER)].map((match) => match[1]), ['./x.js', '../y.js', './z.js']);
});

test('no processor source module is part of an import cycle', () => {
  assert.deepEqual(cycles(importGraph(sourceFiles(SOURCE_ROOT))), []);
});
