import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AccountantError, PrivacyAccountant } from '../../src/accounting/index.js';
import { epsilonForZcdp } from '../../src/noise/index.js';
import { gaussian, pure, TempDirs } from './fixtures.js';

const HORIZON = 1000;
const dirs = new TempDirs();
after(() => dirs.cleanup());

async function capped(maxEpsilon: number): Promise<PrivacyAccountant> {
  return PrivacyAccountant.open({ horizonMillis: HORIZON, maxEpsilon, stateDir: await dirs.make() });
}

function isExhausted(error: unknown): boolean {
  return error instanceof AccountantError && error.code === 'ACCOUNTANT_BUDGET_EXHAUSTED';
}

describe('cap on ε over the horizon', () => {
  it('allows windows up to the cap exactly, refuses the next, and allows it once the horizon slides', async () => {
    const accountant = await capped(2);
    for (const at of [0, 100, 200, 300]) {
      assert.equal(accountant.canSpend(pure(0.5), at), true, `window at ${at}`);
      await accountant.record(pure(0.5), at);
    }
    assert.equal(accountant.status(300).spentEpsilon, 2);
    assert.equal(accountant.status(300).remainingEpsilon, 0);

    assert.equal(accountant.canSpend(pure(0.5), 400), false);
    await assert.rejects(accountant.record(pure(0.5), 400), (error: unknown) => isExhausted(error) && /maxEpsilonHorizon 2/.test((error as Error).message));
    const blocked = accountant.status(400);
    assert.equal(blocked.windowsInHorizon, 4, 'a refused window is not booked');
    assert.equal(blocked.nextReleaseAllowedAtMillis, 1000, 'the window at 0 leaves the horizon at 0 + 1000');

    assert.equal(accountant.canSpend(pure(0.5), 999), false, 'one millisecond early');
    assert.equal(accountant.canSpend(pure(0.5), 1000), true);
    assert.equal(accountant.status(1000).nextReleaseAllowedAtMillis, undefined);
    await accountant.record(pure(0.5), 1000);
    assert.equal(accountant.status(1000).spentEpsilon, 2);
    assert.equal(accountant.status(1000).nextReleaseAllowedAtMillis, 1100);
    await accountant.close();
  });

  it('a smaller window still fits where a larger one is refused', async () => {
    const accountant = await capped(1);
    await accountant.record(pure(0.75), 0);
    assert.equal(accountant.canSpend(pure(0.5), 1), false);
    assert.equal(accountant.canSpend(pure(0.25), 1), true);
    await accountant.record(pure(0.25), 1);
    assert.equal(accountant.status(1).remainingEpsilon, 0);
  });

  it('caps Gaussian windows through the zCDP conversion at the boundary', async () => {
    // ρ = 1/16 is exact in binary, so three windows sum to exactly 3/16.
    const cap = epsilonForZcdp({ rho: 3 / 16, delta: 1e-6 });
    const accountant = await capped(cap);
    for (const at of [0, 10, 20]) await accountant.record(gaussian(1 / 16), at);
    assert.equal(accountant.status(20).spentEpsilon, cap);
    assert.equal(accountant.canSpend(gaussian(1 / 16), 30), false);
    assert.equal(accountant.canSpend(gaussian(1 / 1024), 30), false, 'any further spend passes the cap');
    await assert.rejects(accountant.record(gaussian(1 / 16), 30), isExhausted);
    assert.equal(accountant.canSpend(gaussian(1 / 16), 1000), true, 'the window at 0 dropped out');
    assert.equal(accountant.canSpend(gaussian(1 / 8), 1010), true, 'two dropped out');
    assert.equal(accountant.canSpend(gaussian(1 / 8), 1009), false);
  });

  it('counts the selection δ in the report but caps on ε', async () => {
    const accountant = await capped(1);
    await accountant.record(pure(0.5, 1e-7), 0);
    await accountant.record(pure(0.5, 1e-7), 1);
    const status = accountant.status(1);
    assert.equal(status.spentEpsilon, 1);
    assert.ok(Math.abs(status.spentDelta - 1.2e-6) < 1e-18);
  });

  it('refuses a window that exceeds the cap on its own, and says so', async () => {
    const accountant = await capped(0.5);
    assert.equal(accountant.canSpend(pure(0.75), 0), false);
    await assert.rejects(accountant.record(pure(0.75), 0), (error: unknown) => isExhausted(error) && /one window alone exceeds the cap/.test((error as Error).message));
    const status = accountant.status(0);
    assert.equal(status.windowsInHorizon, 0);
    assert.equal(status.nextReleaseAllowedAtMillis, undefined, 'waiting would not help');
  });

  it('keeps a spend made on a clock stepped back in the horizon from the latest time', async () => {
    const accountant = await capped(10);
    await accountant.record(pure(1), 500);
    await accountant.record(pure(1), 100);
    assert.equal(accountant.status(100).windowsInHorizon, 2, 'a status on the stepped-back clock sees both');
    assert.equal(accountant.status(1499).windowsInHorizon, 2, 'the second spend is booked at 500, not 100');
    assert.equal(accountant.status(1500).windowsInHorizon, 0);
  });

  it('without a cap, never refuses and reports no remaining budget', async () => {
    const accountant = await PrivacyAccountant.open({ horizonMillis: HORIZON });
    for (let at = 0; at < 50; at++) {
      assert.equal(accountant.canSpend(pure(10), at), true);
      await accountant.record(pure(10), at);
    }
    const status = accountant.status(49);
    assert.equal(status.windowsInHorizon, 50);
    assert.equal(status.remainingEpsilon, undefined);
    assert.equal(status.nextReleaseAllowedAtMillis, undefined);
  });

  it('records concurrent spends one by one, so two cannot both take the last of the budget', async () => {
    const accountant = await capped(1);
    const results = await Promise.allSettled([accountant.record(pure(0.5), 0), accountant.record(pure(0.5), 0), accountant.record(pure(0.5), 0)]);
    assert.deepEqual(results.map((result) => result.status), ['fulfilled', 'fulfilled', 'rejected']);
    assert.equal(accountant.status(0).windowsInHorizon, 2);
  });
});
