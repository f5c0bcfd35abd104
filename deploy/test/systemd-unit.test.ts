import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SHUTDOWN_DEADLINE_MILLIS, parseDuration } from '@otel-dp/sidecar';
import { REPO_ROOT, readDeployFile } from './support/deploy-files.js';
import { loadUnit, parseUnitFile, unitEnvironment, unitValues } from './support/unit-file.js';

const UNIT_TEXT = readDeployFile('systemd/otel-dp.service');
const unit = loadUnit();
const INSTALL_DIR = '/opt/otel-dp';

/** The one value of a key, failing when it is missing or repeated. */
function only(section: string, key: string): string {
  const values = unitValues(unit, section, key);
  assert.equal(values.length, 1, `[${section}] ${key}= is set once`);
  return values[0];
}

/** systemd-analyze, when this machine has it. */
function systemdAnalyze(): string | undefined {
  return ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((path) => existsSync(path));
}

describe('deploy/systemd/otel-dp.service', () => {
  it('parses as a unit file, and the parser rejects what is not one', () => {
    assert.deepEqual([...new Set(unit.map((entry) => entry.section))], ['Unit', 'Service', 'Install']);
    assert.throws(() => parseUnitFile('[Service]\nExecStart /bin/true\n'), /line 2 is not a section/);
    assert.throws(() => parseUnitFile('ExecStart=/bin/true\n'), /before any \[Section\]/);
  });

  it('runs the otel-dp bin of the installed checkout with node', () => {
    const [node, script, command, ...rest] = only('Service', 'ExecStart').split(/\s+/);
    assert.match(node, /^\/.*\/node$/, 'an absolute path to node');
    assert.ok(script.startsWith(`${INSTALL_DIR}/`));
    assert.ok(existsSync(join(REPO_ROOT, script.slice(INSTALL_DIR.length + 1))), `${script} is a file of the repository`);
    assert.deepEqual([command, ...rest], ['run']);
    assert.equal(only('Service', 'WorkingDirectory'), INSTALL_DIR);
  });

  it('runs unprivileged and hardened', () => {
    const user = unitValues(unit, 'Service', 'User');
    assert.ok(only('Service', 'DynamicUser') === 'yes' || (user.length === 1 && user[0] !== 'root'), 'DynamicUser=yes or a dedicated User=');
    const expected: Record<string, string> = {
      NoNewPrivileges: 'yes',
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      PrivateDevices: 'yes',
      CapabilityBoundingSet: '',
      RestrictSUIDSGID: 'yes',
    };
    for (const [key, value] of Object.entries(expected)) assert.equal(only('Service', key), value, `${key}=${value}`);
    assert.deepEqual(unitValues(unit, 'Service', 'MemoryDenyWriteExecute'), [], 'V8 needs writable executable memory');
  });

  it('keeps the ledger in its state directory and reads settings from /etc/otel-dp/env', () => {
    const stateDirectory = only('Service', 'StateDirectory');
    assert.equal(unitEnvironment(unit).OTEL_DP_STATE_DIR, `%S/${stateDirectory}`);
    assert.equal(only('Service', 'EnvironmentFile'), '-/etc/otel-dp/env', 'optional, so the unit starts with defaults');
  });

  it('restarts on failure but not on a usage error, and waits out the shutdown deadline', () => {
    assert.equal(only('Service', 'Restart'), 'on-failure');
    assert.equal(only('Service', 'RestartPreventExitStatus'), '2', 'exit 2 is a configuration error');
    assert.equal(only('Service', 'KillSignal'), 'SIGTERM');
    const stopMillis = parseDuration(only('Service', 'TimeoutStopSec'), 'TimeoutStopSec');
    assert.ok(stopMillis > SHUTDOWN_DEADLINE_MILLIS, `TimeoutStopSec=${stopMillis} ms exceeds the ${SHUTDOWN_DEADLINE_MILLIS} ms deadline`);
    assert.equal(only('Install', 'WantedBy'), 'multi-user.target');
  });

  it('is accepted by systemd-analyze verify, with a low exposure, where systemd is installed', async (t) => {
    const tool = systemdAnalyze();
    if (tool === undefined) {
      // Without systemd the structural checks above are the whole check; say so.
      t.diagnostic('systemd-analyze not found: verified by the unit-file parser only');
      assert.ok(unit.length > 20);
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), 'otel-dp-unit-'));
    try {
      // verify needs an executable ExecStart: this node stands in for /usr/bin/node.
      const copy = join(dir, 'otel-dp.service');
      await writeFile(copy, UNIT_TEXT.replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
      const verify = spawnSync(tool, ['verify', copy], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } });
      assert.equal(verify.status, 0, verify.stderr);
      assert.equal(verify.stderr.trim(), '', 'no warning about any line');
      const security = spawnSync(tool, ['security', '--offline=true', copy], { encoding: 'utf8', timeout: 20_000 });
      if (security.status === 0) {
        const exposure = Number(/Overall exposure level for \S+: ([0-9.]+)/.exec(security.stdout)?.[1]);
        assert.ok(exposure <= 2, `exposure ${exposure} (0 is best, 10 worst)`);
      } else {
        t.diagnostic(`systemd-analyze security --offline is not supported here: ${security.stderr.trim()}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
