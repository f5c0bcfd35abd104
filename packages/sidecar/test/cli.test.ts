import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../src/cli.js';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command that ends by itself (usage errors, --help, --version). */
async function cli(argv: string[], env: Record<string, string> = {}): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { env, writeStdout: (text) => void (stdout += text), writeStderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

describe('otel-dp: usage errors exit 2 with one message on stderr', () => {
  it('refuses an unknown flag', async () => {
    const { code, stdout, stderr } = await cli(['run', '--epsilom', '1']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(stderr, "otel-dp: unknown flag --epsilom (did you mean --epsilon?)\nSee 'otel-dp run --help'.\n");
  });

  it('names an unknown flag with its dashes, and suggests only a flag of the same command one or two edits away', async () => {
    assert.match((await cli(['demo', '--duratoin', '5s'])).stderr, /^otel-dp: unknown flag --duratoin \(did you mean --duration\?\)$/m);
    assert.match((await cli(['run', '--bogus-flag', '1'])).stderr, /^otel-dp: unknown flag --bogus-flag$/m);
    // --tokens belongs to plan and demo, not to run: no suggestion from another command.
    assert.match((await cli(['run', '--tokenz', '1'])).stderr, /^otel-dp: unknown flag --tokenz$/m);
  });

  it('refuses a camel-case spelling of a flag', async () => {
    const { code, stderr } = await cli(['run', '--maxSeriesPerToken', '3']);
    assert.equal(code, 2);
    assert.match(stderr, /unknown flag --maxSeriesPerToken/);
  });

  it('refuses a stray argument, an unknown command and no command', async () => {
    const stray = await cli(['run', '--clip', 'a=0:1', 'b=0:2']);
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /unexpected argument "b=0:2"/);
    const unknown = await cli(['serve']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unexpected argument "serve"/);
    assert.match(unknown.stderr, /See 'otel-dp --help'/);
    const none = await cli([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /choose a command: run, demo, simulate or plan/);
  });

  it('refuses a flag without its value', async () => {
    const { code, stderr } = await cli(['run', '--window']);
    assert.equal(code, 2);
    assert.match(stderr, /Not enough arguments following: window/);
  });

  it('refuses an invalid value, naming the flag, before anything starts', async () => {
    const { code, stderr } = await cli(['run', '--max-series-per-token', '0']);
    assert.equal(code, 2);
    assert.equal(stderr, "otel-dp: --max-series-per-token is 0, must be at least 1\nSee 'otel-dp run --help'.\n");
  });

  it('refuses an invalid variable', async () => {
    const { code, stderr } = await cli(['run'], { OTEL_DP_WINDOW: 'forever' });
    assert.equal(code, 2);
    assert.match(stderr, /OTEL_DP_WINDOW is "forever", must be a duration/);
  });

  it('refuses to export to its own listener', async () => {
    const { code, stderr } = await cli(['run', '--otlp-endpoint', 'http://localhost:4318/v1/metrics']);
    assert.equal(code, 2);
    assert.match(stderr, /--otlp-endpoint points at this sidecar's own --http-listen address/);
  });

  it('checks the demo flags too', async () => {
    const short = await cli(['demo', '--duration', '10ms']);
    assert.equal(short.code, 2);
    assert.match(short.stderr, /--duration is 10ms, must be at least 1s/);
    const tokens = await cli(['demo', '--tokens', '0']);
    assert.match(tokens.stderr, /--tokens is 0, must be at least 1/);
    const foreign = await cli(['demo', '--otlp-endpoint', 'http://backend:4318']);
    assert.match(foreign.stderr, /unknown flag --otlp-endpoint/);
  });
});

describe('otel-dp: help and version', () => {
  it('run --help lists the flags in the Receiver, Privacy, Exporter and General groups', async () => {
    const { code, stdout, stderr } = await cli(['run', '--help']);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    const groups = ['Receiver:', 'Privacy:', 'Exporter:', 'General:'].map((group) => stdout.indexOf(`\n${group}\n`));
    assert.ok(groups.every((at) => at > 0), stdout);
    assert.deepEqual([...groups].sort((a, b) => a - b), groups, 'groups in order');
    const receiver = stdout.slice(groups[0], groups[1]);
    const privacy = stdout.slice(groups[1], groups[2]);
    const exporter = stdout.slice(groups[2], groups[3]);
    for (const flag of ['--http-listen', '--grpc-listen', '--max-request-bytes']) assert.ok(receiver.includes(flag), flag);
    for (const flag of ['--window', '--epsilon', '--delta', '--mechanism', '--max-series-per-token', '--clip', '--token-attribute', '--untokened', '--output-temporality']) {
      assert.ok(privacy.includes(flag), flag);
    }
    for (const flag of ['--exporter', '--otlp-endpoint', '--otlp-protocol', '--otlp-header', '--otlp-compression', '--otlp-timeout']) {
      assert.ok(exporter.includes(flag), flag);
    }
    assert.match(stdout, /\[default: 127\.0\.0\.1:4318\]/);
    assert.match(stdout, /OTEL_DP_MAX_SERIES_PER_TOKEN/);
    for (const line of stdout.split('\n')) assert.ok(line.length <= 160, `help line too long: ${line}`);
  });

  it('plan --help lists only the flags that change the plan, and plan accepts run\'s other release flags', async () => {
    const { code, stdout } = await cli(['plan', '--help']);
    assert.equal(code, 0);
    for (const flag of ['--tokens', '--epsilon', '--clip', '--clip-count', '--budget-horizon']) assert.match(stdout, new RegExp(`^ +${flag} `, 'm'), flag);
    for (const flag of ['--token-attribute', '--public-attribute', '--untokened', '--max-series', '--export-stderr']) {
      assert.doesNotMatch(stdout, new RegExp(`^ +${flag} `, 'm'), flag);
    }
    assert.match(stdout, /are\s+accepted\s+and\s+ignored:\s+they\s+do\s+not\s+change\s+the\s+plan/);
    const pasted = await cli(['plan', '--token-attribute', 'tenant', '--public-attribute', 'http.route=/users']);
    assert.equal(pasted.code, 0, pasted.stderr);
    assert.match(pasted.stdout, /\| metric \| clip \| counters: σ per window \|.*\| histograms: σ per bucket count per window \|/);
    assert.doesNotMatch(pasted.stdout, /after 1 windows/);
  });

  it('run --print-config prints each setting with where it came from, hiding secrets, and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-dp-print-config-'));
    const path = join(dir, 'otel-dp.yaml');
    writeFileSync(path, 'epsilon: 0.5\nwindow: 10s\notlp-header: "authorization=Bearer%20secret-token"\n');
    const { code, stdout, stderr } = await cli(['run', '--config', path, '--epsilon', '0.7', '--print-config'], { OTEL_DP_WINDOW: '20s' });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^epsilon: 0\.7 {2}\(flag\)$/m);
    assert.match(stdout, /^window: 20s {2}\(OTEL_DP_WINDOW\)$/m);
    assert.match(stdout, /^delta: 0\.000001 {2}\(default\)$/m);
    assert.ok(stdout.includes(`otlp-header: (hidden)  (${path})`), stdout);
    assert.ok(!stdout.includes('secret-token'));
  });

  it('--help lists every command', async () => {
    const { code, stdout } = await cli(['--help']);
    assert.equal(code, 0);
    for (const command of ['run', 'demo', 'simulate', 'plan']) assert.match(stdout, new RegExp(`otel-dp ${command}\\s`), command);
  });

  it('simulate and plan --help show the privacy flags and their own, nothing of a running sidecar', async () => {
    for (const [command, own] of [['simulate', '--input'], ['plan', '--tokens']]) {
      const { code, stdout } = await cli([command, '--help']);
      assert.equal(code, 0);
      assert.match(stdout, /\nInput:\n/);
      assert.match(stdout, /\nPrivacy:\n/);
      assert.ok(stdout.includes(own), own);
      for (const absent of ['--http-listen', '--otlp-endpoint', '--admin-listen', '--state-dir', '--log-level']) assert.ok(!stdout.includes(absent), `${command}: ${absent}`);
    }
  });

  it('demo --help shows the demo defaults', async () => {
    const { stdout } = await cli(['demo', '--help']);
    assert.match(stdout, /\nDemo:\n/);
    assert.match(stdout, /--window[^\n]*\n?[^\n]*\[default: 5s\]/);
    assert.match(stdout, /--duration[^\n]*\n?[^\n]*\[default: 30s\]/);
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.match(version, /^\d+\.\d+\.\d+/);
    const { code, stdout } = await cli(['--version']);
    assert.equal(code, 0);
    assert.equal(stdout, `${version}\n`);
  });
});
