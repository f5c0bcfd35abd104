import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ADMIN_PATHS } from './support/cli-contract.js';
import { DEPLOY_DIR } from './support/deploy-files.js';

const SCRIPT = join(DEPLOY_DIR, 'healthcheck.mjs');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the health check as a container runtime would, bounded to 10 s. */
function runCheck(args: string[], adminListen: string | undefined): Promise<Outcome> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  if (adminListen !== undefined) env.OTEL_DP_ADMIN_LISTEN = adminListen;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { env, timeout: 10_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A stand-in admin endpoint on loopback: answers each path with the status it is given, records what was asked. */
class AdminStandIn {
  readonly asked: string[] = [];
  private readonly server: Server;

  constructor(private readonly statuses: Record<string, number>) {
    this.server = createServer((req, res) => {
      this.asked.push(req.url ?? '');
      res.statusCode = this.statuses[req.url ?? ''] ?? 404;
      res.end();
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('deploy/healthcheck.mjs', () => {
  const admin = new AdminStandIn({ [ADMIN_PATHS.health]: 200, [ADMIN_PATHS.ready]: 503 });
  let port = 0;

  before(async () => {
    port = await admin.listen();
  });

  after(() => admin.close());

  it('exits 0 on a 2xx answer, asking /healthz by default', async () => {
    const outcome = await runCheck([], `127.0.0.1:${port}`);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(outcome.stdout, `GET http://127.0.0.1:${port}/healthz: 200\n`);
    assert.equal(admin.asked.at(-1), ADMIN_PATHS.health);
  });

  it('exits 1 on another status, for the path it is given', async () => {
    const outcome = await runCheck([ADMIN_PATHS.ready], `127.0.0.1:${port}`);
    assert.equal(outcome.code, 1);
    assert.equal(outcome.stderr, `GET http://127.0.0.1:${port}/readyz: 503\n`);
    assert.equal(admin.asked.at(-1), ADMIN_PATHS.ready);
  });

  it('asks a listener on every interface over loopback', async () => {
    for (const listen of [`0.0.0.0:${port}`, `:${port}`]) {
      const outcome = await runCheck([], listen);
      assert.equal(outcome.code, 0, `${listen}: ${outcome.stderr}`);
    }
  });

  it('exits 1 when nothing answers', async () => {
    const closed = new AdminStandIn({});
    const closedPort = await closed.listen();
    await closed.close();
    const outcome = await runCheck([], `127.0.0.1:${closedPort}`);
    assert.equal(outcome.code, 1);
    assert.match(outcome.stderr, /ECONNREFUSED/);
  });

  it('uses the default admin address without OTEL_DP_ADMIN_LISTEN', async () => {
    const outcome = await runCheck([], undefined);
    assert.match(outcome.stdout + outcome.stderr, /^GET http:\/\/127\.0\.0\.1:13133\/healthz: /);
  });

  it('refuses an endpoint that is off, a bad address and a bad path, naming what is wrong', async () => {
    const off = await runCheck([], 'off');
    assert.equal(off.code, 1);
    assert.match(off.stderr, /admin endpoint is off/);
    const bad = await runCheck([], 'localhost');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /OTEL_DP_ADMIN_LISTEN is "localhost", must be host:port/);
    const path = await runCheck(['healthz'], `127.0.0.1:${port}`);
    assert.equal(path.code, 1);
    assert.match(path.stderr, /the path is "healthz", must start with \//);
  });
});
