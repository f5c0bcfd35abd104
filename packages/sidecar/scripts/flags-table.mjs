#!/usr/bin/env node
// Prints the flag tables of the README, generated from src/options.ts (build
// first). A command name (run, demo, simulate, plan) prints its table; with
// no argument every table is printed between its README markers; `--write`
// replaces them in this package's README.md and in the repository's, which
// carries the `run` table.
import { readFileSync, writeFileSync } from 'node:fs';
import { DEMO_FLAGS, PLAN_FLAGS, RUN_FLAGS, SIMULATE_FLAGS, renderFlagTable } from '../dist/src/index.js';

const tables = {
  run: renderFlagTable(RUN_FLAGS),
  demo: renderFlagTable(DEMO_FLAGS),
  simulate: renderFlagTable(SIMULATE_FLAGS),
  plan: renderFlagTable(PLAN_FLAGS),
};
const marked = (name) => `<!-- flags:${name}:begin -->\n${tables[name]}<!-- flags:${name}:end -->`;
const argument = process.argv[2];

if (argument in tables) {
  process.stdout.write(tables[argument]);
} else if (argument === '--write') {
  rewrite(new URL('../README.md', import.meta.url), Object.keys(tables));
  rewrite(new URL('../../../README.md', import.meta.url), ['run']);
} else if (argument === undefined) {
  process.stdout.write(`${Object.keys(tables).map(marked).join('\n\n')}\n`);
} else {
  process.stderr.write(`usage: node scripts/flags-table.mjs [${Object.keys(tables).join(' | ')} | --write]\n`);
  process.exitCode = 2;
}

function rewrite(path, names) {
  let readme = readFileSync(path, 'utf8');
  for (const name of names) {
    const pattern = new RegExp(`<!-- flags:${name}:begin -->\\n[\\s\\S]*?<!-- flags:${name}:end -->`);
    if (!pattern.test(readme)) throw new Error(`${path.pathname} has no flags:${name} markers`);
    readme = readme.replace(pattern, () => marked(name));
  }
  writeFileSync(path, readme);
}
