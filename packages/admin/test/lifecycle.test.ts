import assert from 'node:assert/strict';
import { describeLifecycleContract } from '@otel-dp/pipeline/testing';
import { AdminServer } from '../src/index.js';

describeLifecycleContract<AdminServer>('AdminServer', {
  create: () => new AdminServer({ listen: { host: '127.0.0.1', port: 0 } }, { sources: [], configInEffect: {}, exporterHealth: () => [] }),
  async assertStarted(admin) {
    const port = admin.address?.port;
    assert.ok(port !== undefined, 'the admin endpoint reports its address');
    const answer = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(answer.status, 200);
    await answer.arrayBuffer();
  },
  assertStopped(admin) {
    assert.equal(admin.address, undefined);
    assert.equal(admin.ready, false);
  },
});
