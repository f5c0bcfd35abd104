import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, describe, it } from 'node:test';
import { AccountantError, DEFAULT_CONVERSION_DELTA, PrivacyAccountant, type WindowSpend } from '../../src/accounting/index.js';
import { epsilonForZcdp } from '../../src/noise/index.js';
import { TempDirs } from './fixtures.js';

const HORIZON = 1000;
const SEQUENCES = 40;
const STEPS_PER_SEQUENCE = 60;
// Memory-backed when available, so the many fsyncs cost nothing; durability is persistence.test's concern.
const dirs = new TempDirs(existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
after(() => dirs.cleanup());

interface Booked {
  at: number;
  spend: WindowSpend;
}

/**
 * The specification, written out apart from the accountant: ε of a set of
 * windows is the smaller of ε_z(Σρ + Σε²/2) and ε_z(Σρ) + Σε at the
 * conversion δ. Spends are dyadic (k/1024, k/256), so every sum is exact in
 * any order and ties with the cap are decided the same way on both sides.
 */
function specEpsilon(spends: readonly WindowSpend[]): number {
  let gaussianRho = 0;
  let pureRho = 0;
  let pureEpsilon = 0;
  for (const spend of spends) {
    gaussianRho += spend.rho ?? 0;
    pureEpsilon += spend.pureEpsilon ?? 0;
    pureRho += (spend.pureEpsilon ?? 0) ** 2 / 2;
  }
  const convert = (rho: number) => (rho === 0 ? 0 : epsilonForZcdp({ rho, delta: DEFAULT_CONVERSION_DELTA }));
  return Math.min(convert(gaussianRho + pureRho), convert(gaussianRho) + pureEpsilon);
}

function randomSpend(): WindowSpend {
  const delta = randomInt(0, 4) * 2 ** -30;
  return randomInt(2) === 0 ? { rho: randomInt(1, 65) / 1024, delta } : { pureEpsilon: randomInt(1, 65) / 256, delta };
}

/** A time step: often 0 (windows at the same instant), up to 40 % of the horizon. */
function randomStep(): number {
  return randomInt(3) === 0 ? 0 : randomInt(1, (HORIZON * 2) / 5);
}

describe('budget property', () => {
  it('never lets any interval of horizon length pass the cap, and refuses only what would', async () => {
    let accepted = 0;
    let refused = 0;
    for (let sequence = 0; sequence < SEQUENCES; sequence++) {
      const cap = randomInt(4, 41) / 8; // 0.5 … 5
      const accountant = await PrivacyAccountant.open({ horizonMillis: HORIZON, maxEpsilon: cap, stateDir: await dirs.make() });
      const booked: Booked[] = [];
      let at = randomInt(0, 1_000_000);
      for (let step = 0; step < STEPS_PER_SEQUENCE; step++) {
        at += randomStep();
        const spend = randomSpend();
        const live = booked.filter((entry) => entry.at > at - HORIZON).map((entry) => entry.spend);
        const allowed = specEpsilon([...live, spend]) <= cap;
        assert.equal(accountant.canSpend(spend, at), allowed, `sequence ${sequence} step ${step}`);
        if (allowed) {
          await accountant.record(spend, at);
          booked.push({ at, spend });
          accepted++;
        } else {
          await assert.rejects(accountant.record(spend, at), (error: unknown) => error instanceof AccountantError && error.code === 'ACCOUNTANT_BUDGET_EXHAUSTED');
          refused++;
        }
      }
      // Every interval (T − horizon, T] that holds spends is covered by one starting at a booked time.
      for (const first of booked) {
        const inside = booked.filter((entry) => entry.at >= first.at && entry.at < first.at + HORIZON).map((entry) => entry.spend);
        const epsilon = specEpsilon(inside);
        assert.ok(epsilon <= cap, `sequence ${sequence}: ε ${epsilon} over [${first.at}, ${first.at + HORIZON}) passes cap ${cap}`);
      }
      await accountant.close();
    }
    // The sequences must exercise both answers, or the property says nothing.
    assert.ok(accepted > SEQUENCES * 5, `accepted ${accepted}`);
    assert.ok(refused > SEQUENCES * 5, `refused ${refused}`);
  });
});
