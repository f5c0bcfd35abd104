import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdminConfigError, AdminServer, AdminStartError, DEFAULT_ADMIN_LISTEN } from '../src/index.js';
import { announceAdminListen } from '../src/admin-server.js';
import { startAdmin } from './support/admin-fixture.js';
import { RecordingLogger } from '@otel-dp/pipeline/testing';

const noOptions = { sources: [], configInEffect: {}, exporterHealth: () => [] };

describe('AdminServer health and readiness', () => {
  it('answers /healthz at once and /readyz only between setReady(true) and setReady(false)', async () => {
    const { admin, base } = await startAdmin();
    try {
      const health = await fetch(`${base}/healthz`);
      assert.equal(health.status, 200);
      assert.equal(await health.text(), 'ok\n');
      assert.equal(health.headers.get('cache-control'), 'no-store');

      const before = await fetch(`${base}/readyz`);
      assert.equal(before.status, 503);
      assert.equal(await before.text(), 'not ready\n');

      admin.setReady(true);
      const ready = await fetch(`${base}/readyz`);
      assert.equal(ready.status, 200);
      assert.equal(await ready.text(), 'ready\n');

      admin.setReady(false);
      assert.equal((await fetch(`${base}/readyz`)).status, 503);
      assert.equal((await fetch(`${base}/healthz`)).status, 200, 'alive while not ready');
    } finally {
      await admin.shutdown();
    }
  });

  it('is not ready once shutdown begins, and stops listening', async () => {
    const { admin, base } = await startAdmin();
    admin.setReady(true);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    await admin.shutdown();
    assert.equal(admin.ready, false);
    assert.equal(admin.address, undefined);
    await assert.rejects(fetch(`${base}/healthz`), 'nothing listens after shutdown');
  });

  it('answers HEAD without a body, ignores the query string, 404s other paths and 405s other methods', async () => {
    const { admin, base } = await startAdmin();
    try {
      const head = await fetch(`${base}/healthz`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-length'), '3');
      assert.equal(await head.text(), '');

      assert.equal((await fetch(`${base}/healthz?verbose=1`)).status, 200);

      const missing = await fetch(`${base}/debug/vars`);
      assert.equal(missing.status, 404);
      assert.match(await missing.text(), /serves \/, \/healthz, \/readyz and \/metrics/);

      for (const method of ['POST', 'PUT', 'DELETE']) {
        const refused = await fetch(`${base}/metrics`, { method, body: method === 'DELETE' ? undefined : 'x' });
        assert.equal(refused.status, 405, method);
        assert.equal(refused.headers.get('allow'), 'GET, HEAD');
        await refused.text();
      }
    } finally {
      await admin.shutdown();
    }
  });
});

describe('AdminServer lifecycle', () => {
  it('starts and shuts down idempotently, and refuses to start again', async () => {
    const { admin, logger } = await startAdmin();
    const port = admin.address?.port;
    await admin.start();
    assert.equal(admin.address?.port, port, 'a second start keeps the first address');
    assert.ok(port !== undefined && port > 0);
    assert.equal(logger.at('info').filter((entry) => entry.message.includes('listening')).length, 1);
    await Promise.all([admin.shutdown(), admin.shutdown()]);
    await assert.rejects(admin.start(), (error: unknown) => error instanceof AdminStartError && error.code === 'ADMIN_SHUT_DOWN');
  });

  it("does not listen when off, and says so", async () => {
    const logger = new RecordingLogger();
    const admin = new AdminServer({ listen: 'off' }, { ...noOptions, logger });
    await admin.start();
    assert.equal(admin.address, undefined);
    assert.match(logger.at('info')[0]?.message ?? '', /admin endpoint is off/);
    await admin.shutdown();
  });

  it('rejects with ADMIN_LISTEN_FAILED, naming the flag, when the port is taken', async () => {
    const { admin } = await startAdmin();
    const port = admin.address?.port as number;
    const second = new AdminServer({ listen: { host: '127.0.0.1', port } }, noOptions);
    try {
      await assert.rejects(second.start(), (error: unknown) => {
        assert.ok(error instanceof AdminStartError);
        assert.equal(error.code, 'ADMIN_LISTEN_FAILED');
        assert.match(error.message, new RegExp(`listen 127\\.0\\.0\\.1:${port} could not be bound \\(EADDRINUSE\\)`));
        return true;
      });
    } finally {
      await second.shutdown();
      await admin.shutdown();
    }
  });

  it('refuses malformed configurations with ADMIN_CONFIG_INVALID', () => {
    const invalid = (config: ConstructorParameters<typeof AdminServer>[0], pattern: RegExp): void => {
      assert.throws(
        () => new AdminServer(config, noOptions),
        (error: unknown) => error instanceof AdminConfigError && error.code === 'ADMIN_CONFIG_INVALID' && pattern.test(error.message),
      );
    };
    invalid({ listen: { host: '127.0.0.1', port: 70000 } }, /listen\.port is 70000, must be a whole number from 0 to 65535/);
    invalid({ listen: { host: '', port: 1 } }, /listen/);
    invalid({ listen: DEFAULT_ADMIN_LISTEN, windowHistoryCapacity: 0 }, /windowHistoryCapacity is 0, must be a whole number from 1 to 36000/);
  });

  it('defaults to the loopback health_check port', () => {
    assert.deepEqual(DEFAULT_ADMIN_LISTEN, { host: '127.0.0.1', port: 13133 });
  });

  it('announces a loopback address at info and any other at warn, saying the counters are not privatized', () => {
    const logger = new RecordingLogger();
    announceAdminListen(logger, { host: '127.0.0.1', port: 13133 });
    announceAdminListen(logger, { host: '::1', port: 13133 });
    announceAdminListen(logger, { host: '0.0.0.0', port: 13133 });
    announceAdminListen(logger, { host: '::', port: 13133 });
    assert.deepEqual(
      logger.records.map((entry) => entry.level),
      ['info', 'info', 'warn', 'warn'],
    );
    assert.match(logger.at('warn')[0]?.message ?? '', /0\.0\.0\.0:13133, reachable from other hosts: .*not privatized/);
    assert.match(logger.at('warn')[1]?.message ?? '', /\[::\]:13133/);
  });
});
