import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LEDGER_SLOTS_PER_HORIZON } from '../../src/accounting/index.js';
import { totalsOf } from '../../src/accounting/composition.js';
import { SlidingLedger } from '../../src/accounting/sliding-ledger.js';

describe('SlidingLedger', () => {
  it('holds at most one entry per slot of the horizon, however often spends come', () => {
    const horizon = 1000;
    const ledger = new SlidingLedger(horizon);
    const step = 0.37; // about three spends per 1 ms slot
    const spends = 20_000;
    for (let index = 0; index < spends; index++) ledger.add(totalsOf({ rho: 1 / 1024, delta: 0 }), index * step);
    const last = (spends - 1) * step;
    assert.ok(ledger.snapshot().length <= LEDGER_SLOTS_PER_HORIZON + 1, `${ledger.snapshot().length} entries`);
    const exact = Array.from({ length: spends }, (_, index) => index * step).filter((at) => at > last - horizon).length;
    const counted = ledger.totalsAt(last).windows;
    // Merging stamps a slot with its latest spend: at most one slot's spends (3) stay longer.
    assert.ok(counted >= exact && counted <= exact + 3, `counted ${counted}, exact ${exact}`);
  });

  it('drops an entry exactly one horizon after it was made, and remembers dropping it', () => {
    const ledger = new SlidingLedger(100, []);
    ledger.add(totalsOf({ pureEpsilon: 1, delta: 0 }), 50);
    assert.equal(ledger.totalsAt(149).windows, 1);
    assert.equal(ledger.totalsAt(150).windows, 0);
    assert.equal(ledger.forgottenUntil, undefined);
    ledger.add(totalsOf({ pureEpsilon: 1, delta: 0 }), 150);
    assert.deepEqual(ledger.snapshot().map((entry) => entry.atMillis), [150], 'the expired entry is dropped from memory');
    assert.equal(ledger.forgottenUntil, 50);
    assert.equal(ledger.coversHorizonAt(150), true);
  });

  it('knows when a longer horizon reaches back past what it dropped', () => {
    const entries = [{ atMillis: 300, totals: totalsOf({ rho: 0.1, delta: 0 }) }];
    const ledger = new SlidingLedger(1000, entries, 200);
    assert.equal(ledger.coversHorizonAt(300), false);
    assert.equal(ledger.coversHorizonAt(1199), false);
    assert.equal(ledger.coversHorizonAt(1200), true);
    assert.equal(ledger.earliestFit(totalsOf({ rho: 0.1, delta: 0 }), 300, () => true), 1200);
  });

  it('drops entries outside a horizon shortened at a restart', () => {
    const entries = [10, 500, 900].map((atMillis) => ({ atMillis, totals: totalsOf({ rho: 0.1, delta: 0 }) }));
    const ledger = new SlidingLedger(450, entries);
    assert.deepEqual(ledger.snapshot().map((entry) => entry.atMillis), [500, 900]);
    assert.equal(ledger.forgottenUntil, 10);
  });

  it('never runs its time backwards', () => {
    const ledger = new SlidingLedger(100);
    assert.equal(ledger.timeAt(5), 5, 'an empty ledger takes any time');
    ledger.add(totalsOf({ rho: 0.1, delta: 0 }), 80);
    assert.equal(ledger.timeAt(20), 80);
    assert.equal(ledger.timeAt(90), 90);
  });

  it('finds when a spend fits by letting the oldest entries expire', () => {
    const ledger = new SlidingLedger(100);
    for (const at of [10, 20, 30]) ledger.add(totalsOf({ pureEpsilon: 1, delta: 0 }), at);
    const one = totalsOf({ pureEpsilon: 1, delta: 0 });
    const atMost = (limit: number) => (totals: { pureEpsilon: number }) => totals.pureEpsilon <= limit;
    assert.equal(ledger.earliestFit(one, 30, atMost(4)), 30, 'fits now');
    assert.equal(ledger.earliestFit(one, 30, atMost(3)), 110, 'after the entry at 10 expires');
    assert.equal(ledger.earliestFit(one, 30, atMost(1)), 130, 'after all three expire');
    assert.equal(ledger.earliestFit(one, 30, atMost(0.5)), undefined, 'never');
  });
});
