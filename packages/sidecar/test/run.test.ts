import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { parseRunConfig } from '../src/command-line.js';
import { JsonLinesLogger } from '../src/logger.js';
import { runSidecar } from '../src/run.js';
import { waitFor } from './support/child.js';
import { startRun } from './support/in-process.js';
import { TOKEN, tokenedRequest } from './support/requests.js';

describe('runSidecar', () => {
  it('logs the bound addresses, receives OTLP, releases the open window on stop and exits 0', async () => {
    const run = await startRun(['--http-listen', '127.0.0.1:0', '--grpc-listen', '127.0.0.1:0', '--window', '1h']);
    const { http, grpc } = run.ready as { http: string; grpc: string };
    assert.match(http, /^127\.0\.0\.1:[1-9]\d*$/);
    assert.match(grpc, /^127\.0\.0\.1:[1-9]\d*$/);
    assert.notEqual(http, grpc);
    const listening = run.logs().filter((record) => record.msg === 'listening');
    assert.deepEqual(
      listening.map((record) => [record.level, record.transport, record.address]),
      [
        ['info', 'http', http],
        ['info', 'grpc', grpc],
      ],
    );

    const response = await fetch(`http://${http}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: tokenedRequest() });
    assert.equal(response.status, 200);
    await response.arrayBuffer();

    run.stop.abort('SIGTERM');
    assert.equal(await run.exit, 0);
    // The hour-long window was released by the shutdown. One token's series
    // is held back by partition selection (it passes with probability below
    // δ/2 = 5e-7, so this check fails about once in two million runs).
    assert.match(run.stdout(), /^dp window .* released=0 suppressed=1$/m);
    const messages = run.logs().map((record) => record.msg);
    assert.ok(messages.indexOf('shutting down') > messages.indexOf('ready'), messages.join(', '));
    assert.equal(messages.at(-1), 'stopped');
    assert.equal(run.logs().find((record) => record.msg === 'shutting down')?.reason, 'SIGTERM');
    const everything = run.stdout() + JSON.stringify(run.logs());
    assert.ok(!everything.includes(TOKEN), 'the token never appears in output or logs');
  });

  it('with one listener off, says so in the ready line', async () => {
    const run = await startRun(['--http-listen', 'off', '--grpc-listen', '127.0.0.1:0']);
    assert.equal(run.ready.http, 'off');
    assert.match(String(run.ready.grpc), /^127\.0\.0\.1:\d+$/);
    run.stop.abort();
    assert.equal(await run.exit, 0);
  });

  it('returns 1 when the shutdown outlasts its deadline', async () => {
    const lines: string[] = [];
    const logger = new JsonLinesLogger({ write: (line) => lines.push(line) });
    const stop = new AbortController();
    let exporterShutdownCalled = false;
    // An exporter whose queue never drains.
    const stuck = {
      async export() {},
      shutdown: () => {
        exporterShutdownCalled = true;
        return new Promise<void>(() => {});
      },
    };
    const config = parseRunConfig(['--http-listen', '127.0.0.1:0', '--grpc-listen', 'off', '--admin-listen', 'off'], {});
    const exit = runSidecar(config, { logger, stop: stop.signal, exporter: stuck, deadlineMillis: 300 });
    await waitFor(() => lines.some((line) => line.includes('"msg":"ready"')), 5_000, 'ready');
    const from = Date.now();
    stop.abort('SIGTERM');
    assert.equal(await exit, 1);
    assert.ok(Date.now() - from < 2_000, 'returned at the deadline');
    assert.ok(exporterShutdownCalled);
    const last = JSON.parse(lines.at(-1) ?? '{}');
    assert.deepEqual([last.level, last.msg, last.deadlineMillis], ['error', 'shutdown deadline passed; data still queued is lost', 300]);
  });

  it('returns 1 and logs why when a port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const lines: string[] = [];
      const logger = new JsonLinesLogger({ write: (line) => lines.push(line) });
      const config = parseRunConfig(['--http-listen', `127.0.0.1:${port}`, '--grpc-listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0'], {});
      const code = await runSidecar(config, { logger, stop: new AbortController().signal, writeStdout: () => {} });
      assert.equal(code, 1);
      const failure = lines.map((line) => JSON.parse(line)).find((record) => record.msg === 'start-up failed');
      assert.ok(failure, lines.join(''));
      assert.equal(failure.level, 'error');
      assert.ok(!lines.some((line) => line.includes('"msg":"ready"')));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
