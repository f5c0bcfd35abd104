import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AccountantError, composeHorizon, DEFAULT_CONVERSION_DELTA, PrivacyAccountant, type WindowSpend } from '../../src/accounting/index.js';
import { epsilonForZcdp } from '../../src/noise/index.js';
import { gaussian, pure } from './fixtures.js';

const DAY = 86_400_000;

async function spendAll(spends: WindowSpend[]): Promise<PrivacyAccountant> {
  const accountant = await PrivacyAccountant.open({ horizonMillis: DAY });
  for (const [index, spend] of spends.entries()) await accountant.record(spend, index * 60_000);
  return accountant;
}

// Reference ε values computed independently (scipy: minimise the CKS20 δ over
// α, then solve for ε), to 1e-9. For ρ = 0.03125, δ = 1e-3 the same method gives
// 0.68800245548781, which OpenDP's own test pins at 0.6880024554878086.
const EPSILON_AT_RHO_0_1 = 2.141938928385474;
const EPSILON_AT_RHO_0_02 = 0.8999352676606437;

describe('composition over the horizon', () => {
  it('adds ρ of Gaussian windows and reports ε at δ_c + Σ selection δ', async () => {
    const accountant = await spendAll(Array.from({ length: 10 }, () => gaussian(0.01, 5e-7)));
    const status = accountant.status(10 * 60_000);
    assert.equal(status.windowsInHorizon, 10);
    assert.ok(Math.abs(status.spentRho - 0.1) < 1e-15, `ρ ${status.spentRho}`);
    assert.equal(status.spentEpsilon, epsilonForZcdp({ rho: status.spentRho, delta: DEFAULT_CONVERSION_DELTA }));
    assert.ok(Math.abs(status.spentEpsilon - EPSILON_AT_RHO_0_1) < 1e-6, `ε ${status.spentEpsilon}`);
    // The classical conversion ρ + 2√(ρ ln 1/δ) = 2.4508 is looser.
    assert.ok(status.spentEpsilon < 0.1 + 2 * Math.sqrt(0.1 * Math.log(1e6)));
    assert.ok(Math.abs(status.spentDelta - (1e-6 + 10 * 5e-7)) < 1e-18, `δ ${status.spentDelta}`);
    assert.equal(status.spentPureEpsilon, 0);
    assert.equal(status.remainingEpsilon, undefined);
  });

  it('takes basic composition Σε for a few pure windows, where it beats zCDP', async () => {
    const accountant = await spendAll([pure(0.1, 1e-7), pure(0.1, 1e-7), pure(0.1, 1e-7)]);
    const status = accountant.status(0);
    // zCDP route: ρ = 3·0.1²/2 = 0.015 → ε ≈ 0.7717, far above Σε = 0.3.
    assert.ok(Math.abs(status.spentEpsilon - 0.3) < 1e-15, `ε ${status.spentEpsilon}`);
    assert.equal(status.spentPureEpsilon, status.spentEpsilon);
    assert.ok(Math.abs(status.spentDelta - (1e-6 + 3e-7)) < 1e-18);
    assert.equal(composeHorizon({ zcdpRho: 0.015, gaussianRho: 0, pureEpsilon: 0.3, selectionDelta: 0, windows: 3 }, 1e-6).bound, 'basic');
  });

  it('takes the zCDP route for many small pure windows, where it beats Σε', async () => {
    const accountant = await spendAll(Array.from({ length: 400 }, () => pure(0.01)));
    const status = accountant.status(0);
    assert.equal(status.windowsInHorizon, 400);
    // Σε = 4, while ρ = 400·0.01²/2 = 0.02 → ε ≈ 0.8999.
    assert.ok(Math.abs(status.spentPureEpsilon - 4) < 1e-12);
    assert.ok(Math.abs(status.spentEpsilon - EPSILON_AT_RHO_0_02) < 1e-6, `ε ${status.spentEpsilon}`);
    assert.equal(status.spentDelta, DEFAULT_CONVERSION_DELTA);
  });

  it('mixes Gaussian and pure windows, taking the smaller of the two bounds', () => {
    const totals = { zcdpRho: 0.05 + 0.2 ** 2 / 2, gaussianRho: 0.05, pureEpsilon: 0.2, selectionDelta: 2e-7, windows: 2 };
    const viaZcdp = epsilonForZcdp({ rho: 0.07, delta: 1e-6 }); // ≈ 1.7649
    const viaBasic = epsilonForZcdp({ rho: 0.05, delta: 1e-6 }) + 0.2; // ≈ 1.4716 + 0.2
    const guarantee = composeHorizon(totals, 1e-6);
    assert.equal(guarantee.epsilon, Math.min(viaZcdp, viaBasic));
    assert.equal(guarantee.bound, 'basic');
    assert.ok(Math.abs(guarantee.epsilon - 1.671594750532416) < 1e-6);
    assert.equal(guarantee.delta, 1e-6 + 2e-7);
  });

  it('reports an empty horizon as (0, 0)', async () => {
    const accountant = await PrivacyAccountant.open({ horizonMillis: DAY, conversionDelta: 1e-9 });
    const status = accountant.status(5);
    assert.deepEqual(status, { spentEpsilon: 0, spentDelta: 0, remainingEpsilon: undefined, windowsInHorizon: 0, spentRho: 0, spentPureEpsilon: 0 });
  });

  it('reports at the configured conversion δ', async () => {
    const accountant = await PrivacyAccountant.open({ horizonMillis: DAY, conversionDelta: 1e-3 });
    await accountant.record(gaussian(0.03125), 0);
    const status = accountant.status(0);
    assert.ok(Math.abs(status.spentEpsilon - 0.6880024554878086) < 1e-9, `ε ${status.spentEpsilon}`);
    assert.equal(status.spentDelta, 1e-3);
  });

  it('rejects malformed spends and times, naming the field', async () => {
    const accountant = await PrivacyAccountant.open({ horizonMillis: DAY });
    const cases: [WindowSpend, number, RegExp][] = [
      [{ delta: 0 }, 0, /exactly one of rho/],
      [{ rho: 0.1, pureEpsilon: 0.1, delta: 0 }, 0, /exactly one of rho/],
      [gaussian(-1), 0, /rho is -1, must be positive/],
      [pure(Number.NaN), 0, /pureEpsilon is NaN/],
      [gaussian(Infinity), 0, /rho is Infinity/],
      [gaussian(0.1, 1), 0, /delta is 1, must be in \[0, 1\)/],
      [gaussian(0.1, -0.5), 0, /delta is -0.5/],
      [gaussian(0.1), Number.NaN, /time is NaN/],
      [gaussian(0.1), 1e300, /time is 1e\+300/],
    ];
    for (const [spend, at, message] of cases) {
      assert.throws(() => accountant.canSpend(spend, at), (error: unknown) => error instanceof AccountantError && error.code === 'ACCOUNTANT_SPEND' && message.test(error.message));
      await assert.rejects(accountant.record(spend, at), (error: unknown) => error instanceof AccountantError && error.code === 'ACCOUNTANT_SPEND');
    }
    assert.equal(accountant.status(0).windowsInHorizon, 0);
  });

  it('rejects options out of range, naming the flag', async () => {
    const cases: [Parameters<typeof PrivacyAccountant.open>[0], RegExp][] = [
      [{ horizonMillis: 0 }, /budgetHorizonMillis is 0ms/],
      [{ horizonMillis: 1.5 }, /budgetHorizonMillis is 1.5ms/],
      [{ horizonMillis: DAY, maxEpsilon: 0, stateDir: '/nonexistent' }, /maxEpsilonHorizon is 0, must be positive/],
      [{ horizonMillis: DAY, maxEpsilon: Infinity, stateDir: '/nonexistent' }, /maxEpsilonHorizon is Infinity/],
      [{ horizonMillis: DAY, conversionDelta: 1 }, /conversionDelta is 1, must be in \(0, 1\)/],
      [{ horizonMillis: DAY, stateDir: '' }, /stateDir is empty/],
    ];
    for (const [config, message] of cases) {
      await assert.rejects(PrivacyAccountant.open(config), (error: unknown) => error instanceof AccountantError && error.code === 'ACCOUNTANT_CONFIG' && message.test(error.message));
    }
  });
});
