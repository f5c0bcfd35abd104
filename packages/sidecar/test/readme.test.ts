import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { renderFlagTable } from '../src/flag-table.js';
import { DEMO_FLAGS, MECHANISMS, PLAN_FLAGS, PLAN_IGNORED_FLAGS, RELEASE_FLAGS, RUN_FLAGS, SIMULATE_FLAGS } from '../src/options.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const ROOT_README = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');

/** The text between `<!-- flags:NAME:begin -->` and `<!-- flags:NAME:end -->`. */
function section(name: string, readme = README): string {
  const begin = `<!-- flags:${name}:begin -->\n`;
  const end = `<!-- flags:${name}:end -->`;
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  assert.ok(from >= 0 && to > from, `README has the ${name} markers`);
  return readme.slice(from + begin.length, to);
}

describe('README flag tables', () => {
  it('match the flag definitions (regenerate: node scripts/flags-table.mjs --write)', () => {
    assert.equal(section('run'), renderFlagTable(RUN_FLAGS));
    assert.equal(section('demo'), renderFlagTable(DEMO_FLAGS));
    assert.equal(section('simulate'), renderFlagTable(SIMULATE_FLAGS));
    assert.equal(section('plan'), renderFlagTable(PLAN_FLAGS));
    assert.equal(section('run', ROOT_README), renderFlagTable(RUN_FLAGS), 'the repository README lists every flag of run');
  });

  it('list every flag once', () => {
    for (const flag of RUN_FLAGS) assert.equal(section('run').split(`\`--${flag.name} `).length, 2, flag.name);
  });

  it('show the same privacy flags for run and simulate, and for plan those that change the plan', () => {
    for (const name of ['run', 'simulate']) {
      for (const flag of RELEASE_FLAGS) assert.equal(section(name).split(`\`--${flag.name} `).length, 2, `${name}: ${flag.name}`);
    }
    for (const flag of PLAN_FLAGS) assert.equal(section('plan').split(`\`--${flag.name} `).length, 2, `plan: ${flag.name}`);
    for (const flag of PLAN_IGNORED_FLAGS) assert.ok(!section('plan').includes(`\`--${flag.name} `), `plan: ${flag.name}`);
    for (const ledger of ['--state-dir', '--max-epsilon-horizon']) {
      assert.ok(section('run').includes(ledger));
      assert.ok(!section('simulate').includes(ledger) && !section('plan').includes(ledger), ledger);
    }
  });
});

describe('renderFlagTable', () => {
  it('escapes pipes, shows variables, defaults and notes', () => {
    const table = renderFlagTable(RUN_FLAGS);
    assert.ok(table.includes(`| Privacy | \`--mechanism ${MECHANISMS.join('\\|')}\` | \`OTEL_DP_MECHANISM\` | \`gaussian\` | `), 'the choices of --mechanism');
    assert.match(table, /^\| Privacy \| `--clip GLOB=LO:HI` \(repeatable\) \| `OTEL_DP_CLIP` \| 0:1000 for every metric \| /m);
    assert.match(table, /`OTEL_DP_OTLP_PROTOCOL`, `OTEL_EXPORTER_OTLP_METRICS_PROTOCOL`, `OTEL_EXPORTER_OTLP_PROTOCOL`/);
    assert.match(table, /^\| Exporter \| `--otlp-header KEY=VALUE` \(repeatable\) \| `OTEL_DP_OTLP_HEADER` \| — \| /m);
    assert.equal(table.trimEnd().split('\n').length, RUN_FLAGS.length + 2);
  });
});
