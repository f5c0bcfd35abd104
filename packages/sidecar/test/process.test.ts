import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SHUTDOWN_DEADLINE_MILLIS } from '../src/run.js';
import { acceptedConnections, start, waitFor } from './support/child.js';

describe('otel-dp run, as a process', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`prints ready with the bound ports, then exits 0 on ${signal} within the deadline`, async () => {
      const child = start(['run', '--http-listen', '127.0.0.1:0', '--grpc-listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--window', '1s']);
      try {
        const ready = await child.logLine('ready', 10_000);
        assert.equal(ready.level, 'info');
        const http = String(ready.http);
        assert.match(http, /^127\.0\.0\.1:[1-9]\d*$/);
        assert.match(String(ready.grpc), /^127\.0\.0\.1:[1-9]\d*$/);
        // The listener answers: an empty request succeeds.
        const response = await fetch(`http://${http}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        assert.equal(response.status, 200);
        await response.arrayBuffer();
        child.process.kill(signal);
        const { code, afterMillis } = await child.exit(SHUTDOWN_DEADLINE_MILLIS + 5_000);
        assert.equal(code, 0, child.stderr());
        assert.ok(afterMillis < SHUTDOWN_DEADLINE_MILLIS, `exited after ${afterMillis}ms`);
        const last = child.stderr().trim().split('\n').at(-1) ?? '';
        assert.equal(JSON.parse(last).msg, 'stopped');
      } finally {
        child.process.kill('SIGKILL');
      }
    });
  }

  it('exits 2 with the message on stderr for an unknown flag', async () => {
    const child = start(['run', '--no-such-flag', 'x']);
    const { code } = await child.exit(10_000);
    assert.equal(code, 2);
    assert.equal(child.stdout(), '');
    assert.match(child.stderr(), /^otel-dp: unknown flag --no-such-flag\n/);
  });

  it('reads OTEL_DP_* variables from its environment', async () => {
    const child = start(['run'], { OTEL_DP_MAX_SERIES_PER_TOKEN: '0' });
    const { code } = await child.exit(10_000);
    assert.equal(code, 2);
    assert.match(child.stderr(), /--max-series-per-token is 0, must be at least 1 \(set by OTEL_DP_MAX_SERIES_PER_TOKEN\)/);
  });
});

describe('otel-dp demo, as a process', () => {
  it('runs for its duration, prints window tables with the routes and exits 0', async () => {
    const child = start(['demo', '--duration', '6s', '--window', '2s']);
    try {
      const { code, afterMillis } = await child.exit(30_000);
      assert.equal(code, 0, child.stderr());
      assert.ok(afterMillis < 20_000, `took ${afterMillis}ms`);
      const stdout = child.stdout();
      const tables = stdout.split('\n').filter((line) => /^window \d\d:\d\d:\d\d–\d\d:\d\d:\d\d UTC {2}gaussian, ε=1, δ=0\.000001( {2}\(partial: .*\))?$/.test(line));
      assert.ok(tables.length >= 1, stdout);
      assert.match(stdout, /^ {2}route +true +clipped +released +noise σ$/m);
      // The traffic stops inside the last window (the one it starts in may see no export arrive, and print nothing).
      assert.match(stdout, /^window .* \(partial: traffic (from \S+ )?until \d\d:\d\d:\d\d(\.\d+)?\)$/m);
      assert.match(stdout, /^summary of http\.server\.requests over [1-9]\d* windows/m);
      for (const route of ['GET /users', 'GET /orders', 'POST /orders', 'GET /health']) {
        assert.match(stdout, new RegExp(`^  ${route} +\\d+ +`, 'm'), route);
      }
      assert.match(stdout, /^suppressed series \(held back by partition selection\): \d+$/m);
      // Some window saw traffic: a true total above zero.
      assert.match(stdout, /^ {2}GET \/users +[1-9]\d* /m);
      assert.match(stdout, /^done: [1-9]\d* requests recorded from 300 tokens; windows printed: [1-9]\d*$/m);
      assert.doesNotMatch(stdout + child.stderr(), /demo_[0-9a-f]{16}/, 'no token value in the output');
    } finally {
      child.process.kill('SIGKILL');
    }
  });

  it('stops early on Ctrl-C, still releasing the open window, and exits 0', async () => {
    const child = start(['demo', '--duration', '1m', '--window', '1h']);
    try {
      await waitFor(() => child.stdout().includes('Ctrl-C stops earlier'), 10_000, `no introduction: ${child.stderr()}`);
      const port = Number(/sent to the sidecar at http:\/\/127\.0\.0\.1:(\d+)/.exec(child.stdout())?.[1]);
      // The application's first export (after a second of traffic) opens its connection to the receiver.
      await waitFor(() => acceptedConnections(port) > 0, 10_000, 'the application exporting to the sidecar');
      child.process.kill('SIGINT');
      const { code, afterMillis } = await child.exit(15_000);
      assert.equal(code, 0, child.stderr());
      assert.ok(afterMillis < 10_000, `took ${afterMillis}ms after SIGINT`);
      // The hour-long window was released by the shutdown, with the traffic of those seconds.
      assert.match(child.stdout(), /^ {2}GET \/users +[1-9]\d* /m);
      assert.match(child.stdout(), /^done: [1-9]\d* requests recorded from 300 tokens; windows printed: 1$/m);
    } finally {
      child.process.kill('SIGKILL');
    }
  });
});
