import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { machineCpuTicks, stealShare } from '../src/child-processes.js';

describe('machine CPU time', () => {
  it('gives the stolen share of the time between two readings', () => {
    assert.equal(stealShare({ total: 1000, steal: 10 }, { total: 1400, steal: 110 }), 0.25);
    assert.equal(stealShare({ total: 1000, steal: 10 }, { total: 1000, steal: 10 }), NaN);
  });

  it('reads the machine totals from /proc/stat', { skip: process.platform !== 'linux' }, () => {
    const before = machineCpuTicks();
    assert.ok(before.total > 0 && before.steal >= 0 && before.steal <= before.total, JSON.stringify(before));
    const busyUntil = Date.now() + 50;
    while (Date.now() < busyUntil);
    const after = machineCpuTicks();
    assert.ok(after.total >= before.total && after.steal >= before.steal);
  });
});
