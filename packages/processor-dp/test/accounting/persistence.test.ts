import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AccountantError, LEDGER_FILE_NAME, LEDGER_FORMAT, LEDGER_SCHEMA_VERSION, PrivacyAccountant, STATE_MARKER_FILE_NAME } from '../../src/accounting/index.js';
import { gaussian, pure, TempDirs } from './fixtures.js';

const HORIZON = 60_000;
const dirs = new TempDirs();
after(() => dirs.cleanup());

function isStateError(pattern: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof AccountantError && error.code === 'ACCOUNTANT_STATE' && pattern.test(error.message);
}

/** `maxEpsilon` null: no cap. */
async function openAt(stateDir: string, maxEpsilon: number | null = 5): Promise<PrivacyAccountant> {
  return PrivacyAccountant.open({ horizonMillis: HORIZON, maxEpsilon: maxEpsilon ?? undefined, stateDir }, { now: () => 1234 });
}

describe('ledger persistence', () => {
  it('continues the horizon after close and reopen', async () => {
    const stateDir = await dirs.make();
    const first = await openAt(stateDir);
    await first.record(gaussian(0.01, 5e-7), 1_000);
    await first.record(pure(0.3, 1e-7), 2_000);
    await first.record(gaussian(0.02, 5e-7), 3_000);
    const before = first.status(4_000);
    await first.close();

    const second = await openAt(stateDir);
    assert.deepEqual(second.status(4_000), before);
    assert.equal(second.status(4_000).windowsInHorizon, 3);
    assert.equal(second.status(61_000).windowsInHorizon, 2, 'the horizon keeps sliding after the restart');
  });

  it('keeps the cap reached across a restart', async () => {
    const stateDir = await dirs.make();
    const first = await openAt(stateDir, 1);
    await first.record(pure(0.5), 0);
    await first.record(pure(0.5), 100);
    await first.close();

    const second = await openAt(stateDir, 1);
    assert.equal(second.canSpend(pure(0.5), 200), false);
    await assert.rejects(second.record(pure(0.5), 200), (error: unknown) => error instanceof AccountantError && error.code === 'ACCOUNTANT_BUDGET_EXHAUSTED');
    assert.equal(second.status(200).nextReleaseAllowedAtMillis, HORIZON);
    assert.equal(second.canSpend(pure(0.5), HORIZON), true);
  });

  it('writes one versioned JSON file naming the configuration that wrote it', async () => {
    const stateDir = await dirs.make();
    const accountant = await PrivacyAccountant.open({ horizonMillis: HORIZON, maxEpsilon: 3, conversionDelta: 1e-7, stateDir }, { now: () => 42 });
    await accountant.record(pure(0.25, 1e-8), 7);
    const document = JSON.parse(await readFile(join(stateDir, LEDGER_FILE_NAME), 'utf8'));
    assert.deepEqual(document, {
      format: LEDGER_FORMAT,
      version: LEDGER_SCHEMA_VERSION,
      config: { horizonMillis: HORIZON, maxEpsilon: 3, conversionDelta: 1e-7 },
      savedAtMillis: 42,
      forgottenUntilMillis: null,
      entries: [{ atMillis: 7, zcdpRho: 0.03125, gaussianRho: 0, pureEpsilon: 0.25, selectionDelta: 1e-8, windows: 1 }],
    });
    assert.deepEqual((await readdir(stateDir)).sort(), [STATE_MARKER_FILE_NAME, LEDGER_FILE_NAME].sort(), 'no temp file remains after a write');
    assert.equal((await stat(join(stateDir, LEDGER_FILE_NAME))).mode & 0o777, 0o600);
  });

  it('ignores a temp file left behind by a crash mid-write', async () => {
    const stateDir = await dirs.make();
    const first = await openAt(stateDir);
    await first.record(pure(0.5), 10);
    const before = first.status(10);
    await first.close();
    await writeFile(join(stateDir, `${LEDGER_FILE_NAME}.tmp`), '{"format":"otel-dp-privacy-ledger","version":1,"entr');

    const second = await openAt(stateDir);
    assert.deepEqual(second.status(10), before);
    await second.record(pure(0.5), 11);
    assert.equal(second.status(11).windowsInHorizon, 2);
  });

  it('refuses a truncated ledger, with or without a cap, and leaves it in place', async () => {
    const stateDir = await dirs.make();
    const first = await openAt(stateDir);
    await first.record(pure(0.5), 10);
    await first.close();
    const path = join(stateDir, LEDGER_FILE_NAME);
    const text = await readFile(path, 'utf8');
    const truncated = text.slice(0, Math.floor(text.length / 2));
    await writeFile(path, truncated);

    await assert.rejects(openAt(stateDir, 5), isStateError(/privacy-ledger\.json is not valid JSON \(truncated.*refusing to start.*stateDir/));
    await assert.rejects(openAt(stateDir, null), isStateError(/not valid JSON/));
    assert.equal(await readFile(path, 'utf8'), truncated, 'never silently reset');
  });

  it('refuses a ledger of another format or version, or with bad entries', async () => {
    const stateDir = await dirs.make();
    const path = join(stateDir, LEDGER_FILE_NAME);
    const valid = { format: LEDGER_FORMAT, version: LEDGER_SCHEMA_VERSION, config: {}, savedAtMillis: 0, forgottenUntilMillis: null, entries: [] as unknown[] };
    const entry = { atMillis: 5, zcdpRho: 0.1, gaussianRho: 0.1, pureEpsilon: 0, selectionDelta: 0, windows: 1 };
    const cases: [unknown, RegExp][] = [
      [[], /is not an otel-dp privacy ledger/],
      [{ ...valid, format: 'something-else' }, /is not an otel-dp privacy ledger/],
      [{ ...valid, version: 2 }, /schema version 2, this build reads version 1/],
      [{ ...valid, entries: undefined }, /has no entries list/],
      [{ ...valid, forgottenUntilMillis: 'yesterday' }, /malformed forgottenUntilMillis/],
      [{ ...valid, entries: [{ ...entry, zcdpRho: -1 }] }, /malformed entry at index 0/],
      [{ ...valid, entries: [entry, { ...entry, windows: 0 }] }, /malformed entry at index 1/],
      [{ ...valid, entries: [entry, { ...entry, atMillis: 'soon' }] }, /malformed entry at index 1/],
      [{ ...valid, entries: [entry, { ...entry, atMillis: 4 }] }, /out of time order at index 1/],
    ];
    for (const [document, message] of cases) {
      await writeFile(path, JSON.stringify(document));
      await assert.rejects(openAt(stateDir), isStateError(message), String(message));
    }
    await writeFile(path, JSON.stringify({ ...valid, entries: [entry] }));
    assert.equal((await openAt(stateDir)).status(5).windowsInHorizon, 1, 'the same file, well formed, is read');
  });

  it('refuses a cap without stateDir, or with a missing one', async () => {
    await assert.rejects(PrivacyAccountant.open({ horizonMillis: HORIZON, maxEpsilon: 1 }), isStateError(/maxEpsilonHorizon is set without stateDir/));
    const missing = join(await dirs.make(), 'not-created');
    await assert.rejects(openAt(missing, 1), isStateError(/stateDir .*not-created does not exist/));
    await assert.rejects(stat(missing), { code: 'ENOENT' });
  });

  it('creates a missing stateDir when there is no cap', async () => {
    const stateDir = join(await dirs.make(), 'a', 'b');
    const accountant = await openAt(stateDir, null);
    await accountant.record(gaussian(0.01), 0);
    assert.ok((await readdir(stateDir)).includes(LEDGER_FILE_NAME));
  });

  it('refuses a file in place of the directory, and a path under a file', async () => {
    const parent = await dirs.make();
    const file = join(parent, 'a-file');
    await writeFile(file, 'not a directory');
    await assert.rejects(openAt(file), isStateError(/stateDir .*a-file is not a directory/));
    await assert.rejects(openAt(join(file, 'state')), isStateError(/stateDir .*a-file\/state cannot be used \(ENOTDIR\)/));
    await assert.rejects(openAt(join(file, 'state'), null), isStateError(/cannot be used \(ENOTDIR\)/));
  });

  it('refuses a directory where the ledger cannot be written', async () => {
    const stateDir = await dirs.make();
    // A directory at the temp file's path makes every write fail, even for root.
    await mkdir(join(stateDir, `${LEDGER_FILE_NAME}.tmp`, 'blocker'), { recursive: true });
    await assert.rejects(openAt(stateDir), isStateError(/cannot write privacy ledger .*stateDir .* is not writable \(EISDIR\)/));
  });

  it('fails a record whose ledger write fails, keeping the spend counted', async () => {
    const stateDir = await dirs.make();
    const accountant = await openAt(stateDir);
    await accountant.record(pure(0.5), 0);
    await mkdir(join(stateDir, `${LEDGER_FILE_NAME}.tmp`, 'blocker'), { recursive: true });
    await assert.rejects(accountant.record(pure(0.5), 1), isStateError(/is not writable/));
    assert.equal(accountant.status(1).windowsInHorizon, 2, 'over-counting is the safe side');
  });

  it('stops a second process from overwriting the ledger of the first', async () => {
    const stateDir = await dirs.make();
    const first = await openAt(stateDir);
    await first.record(pure(0.5), 0);
    const second = await openAt(stateDir);
    await second.record(pure(0.5), 1);
    await assert.rejects(first.record(pure(0.5), 2), isStateError(/was changed by another process; two processes must not share stateDir/));
    const reopened = await openAt(stateDir);
    assert.equal(reopened.status(2).windowsInHorizon, 2, 'the second writer read and kept the first one\'s spend');
  });

  it('holds releases back after a restart with a longer horizon, until the ledger covers it', async () => {
    const stateDir = await dirs.make();
    const short = await PrivacyAccountant.open({ horizonMillis: 1000, maxEpsilon: 5, stateDir });
    await short.record(pure(0.5), 0);
    await short.record(pure(0.5), 1500); // drops the spend at 0 from the ledger
    await short.close();

    const long = { horizonMillis: HORIZON, maxEpsilon: 5, stateDir };
    const first = await PrivacyAccountant.open(long);
    assert.equal(first.canSpend(pure(0.5), 1600), false, 'the spend at 0 would belong to this horizon but is gone');
    assert.equal(first.status(1600).nextReleaseAllowedAtMillis, HORIZON);
    await assert.rejects(
      first.record(pure(0.5), HORIZON - 1),
      (error: unknown) => error instanceof AccountantError && error.code === 'ACCOUNTANT_BUDGET_EXHAUSTED' && /longer than the ledger's memory/.test(error.message),
    );
    await first.close();

    const second = await PrivacyAccountant.open(long);
    assert.equal(second.canSpend(pure(0.5), HORIZON - 1), false, 'the gap is remembered across restarts');
    assert.equal(second.canSpend(pure(0.5), HORIZON), true);
    await second.record(pure(0.5), HORIZON);
    await second.close();

    const uncapped = await PrivacyAccountant.open({ horizonMillis: 10 * HORIZON, stateDir });
    assert.equal(uncapped.canSpend(pure(0.5), HORIZON), true, 'without a cap nothing is held back');
  });

  it('refuses records after close', async () => {
    const accountant = await openAt(await dirs.make());
    await accountant.close();
    await accountant.close();
    await assert.rejects(accountant.record(pure(0.1), 0), (error: unknown) => error instanceof AccountantError && error.code === 'ACCOUNTANT_CLOSED');
  });
});
