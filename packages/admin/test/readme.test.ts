import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  DEFAULT_ADMIN_LISTEN,
  DEFAULT_SELF_TELEMETRY_INTERVAL_MILLIS,
  DEFAULT_WINDOW_HISTORY_CAPACITY,
  MAX_LABEL_VALUE_LENGTH,
  MAX_WINDOW_HISTORY_CAPACITY,
  MIN_SELF_TELEMETRY_INTERVAL_MILLIS,
  STATUS_REFRESH_SECONDS,
  formatListenAddress,
} from '../src/index.js';
import { CHART_COLOURS } from '../src/status-page.js';

// dist/test/ → the package folder.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

function optionRow(option: string): string {
  const row = readme.split('\n').find((line) => line.startsWith(`| \`${option}\` |`));
  assert.ok(row !== undefined, `README has a row for ${option}`);
  return row;
}

describe('README', () => {
  it('states the defaults and limits the code uses', () => {
    assert.ok(optionRow('config.listen').includes(`\`${formatListenAddress(DEFAULT_ADMIN_LISTEN)}\``));
    assert.ok(optionRow('config.windowHistoryCapacity').includes(`\`${DEFAULT_WINDOW_HISTORY_CAPACITY}\``));
    assert.ok(optionRow('config.windowHistoryCapacity').includes(`1 to ${MAX_WINDOW_HISTORY_CAPACITY}`));
    assert.ok(optionRow('intervalMillis').includes(`\`${DEFAULT_SELF_TELEMETRY_INTERVAL_MILLIS}\``));
    assert.ok(optionRow('intervalMillis').includes(`at least ${MIN_SELF_TELEMETRY_INTERVAL_MILLIS}`));
    assert.ok(readme.includes(`longer than ${MAX_LABEL_VALUE_LENGTH} characters`));
    assert.ok(readme.includes(`reloading every ${STATUS_REFRESH_SECONDS} s`));
    assert.ok(readme.includes(`\`${CHART_COLOURS.epsilonPerWindow}\``));
  });
});
