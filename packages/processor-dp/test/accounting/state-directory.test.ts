import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RecordingLogger } from '@otel-dp/pipeline/testing';
import { AccountantError, LEDGER_CLOCK_SKEW_MILLIS, LEDGER_FILE_NAME, PrivacyAccountant, STATE_MARKER_FILE_NAME } from '../../src/accounting/index.js';
import { pure, TempDirs } from './fixtures.js';

const HORIZON = 60_000;
const NOW = 1_700_000_000_000;
const dirs = new TempDirs();
after(() => dirs.cleanup());

function isStateError(pattern: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof AccountantError && error.code === 'ACCOUNTANT_STATE' && pattern.test(error.message);
}

interface OpenOptions {
  maxEpsilon?: number | null;
  startFreshBudget?: boolean;
  stampLeadMillis?: number;
  now?: number;
  logger?: RecordingLogger;
}

function openAt(stateDir: string, options: OpenOptions = {}): Promise<PrivacyAccountant> {
  const { maxEpsilon = 5, startFreshBudget, stampLeadMillis, now = NOW, logger } = options;
  return PrivacyAccountant.open(
    { horizonMillis: HORIZON, maxEpsilon: maxEpsilon ?? undefined, stateDir, startFreshBudget, stampLeadMillis },
    { now: () => now, logger },
  );
}

function freshStartLines(logger: RecordingLogger): unknown[] {
  return logger.records.filter((record) => record.message.startsWith('privacy budget starts fresh')).map((record) => [record.level, record.fields?.reason]);
}

/** A directory whose ledger holds two spends, closed again. */
async function usedDirectory(): Promise<string> {
  const stateDir = await dirs.make();
  const accountant = await openAt(stateDir);
  await accountant.record(pure(0.5), NOW - 2_000);
  await accountant.record(pure(0.5), NOW - 1_000);
  await accountant.close();
  return stateDir;
}

describe('state directory: when the budget may start fresh', () => {
  it('starts an existing empty directory (a new volume) fresh, says so at warn, and marks the directory', async () => {
    const stateDir = await dirs.make();
    const logger = new RecordingLogger();
    const accountant = await openAt(stateDir, { logger });
    assert.deepEqual(freshStartLines(logger), [['warn', 'directory empty']]);
    assert.deepEqual((await readdir(stateDir)).sort(), [STATE_MARKER_FILE_NAME, LEDGER_FILE_NAME].sort());
    const marker = JSON.parse(await readFile(join(stateDir, STATE_MARKER_FILE_NAME), 'utf8'));
    assert.deepEqual(marker, { format: 'otel-dp-state', version: 1, initialisedAtMillis: NOW, firstSpendSavedAtMillis: null });
    await accountant.record(pure(0.5), NOW);
    const afterSpend = JSON.parse(await readFile(join(stateDir, STATE_MARKER_FILE_NAME), 'utf8'));
    assert.equal(afterSpend.firstSpendSavedAtMillis, NOW, 'the marker records that the ledger held a spend');
  });

  it('starts a directory holding only lost+found fresh, and a created one, each logged', async () => {
    const volume = await dirs.make();
    await mkdir(join(volume, 'lost+found'));
    const logger = new RecordingLogger();
    await openAt(volume, { logger });
    await openAt(join(await dirs.make(), 'new'), { maxEpsilon: null, logger });
    assert.deepEqual(freshStartLines(logger), [['warn', 'directory empty'], ['warn', 'directory created']]);
  });

  it('refuses a ledger deleted from a directory otel-dp used, with or without a cap, and startFreshBudget does not override it', async () => {
    const stateDir = await usedDirectory();
    await rm(join(stateDir, LEDGER_FILE_NAME));
    const lost = isStateError(/privacy-ledger\.json is missing, but .*\.otel-dp-state shows otel-dp has used this stateDir.*Restore the ledger/);
    await assert.rejects(openAt(stateDir), lost);
    await assert.rejects(openAt(stateDir, { maxEpsilon: null }), lost);
    await assert.rejects(openAt(stateDir, { startFreshBudget: true }), lost);
    assert.deepEqual(await readdir(stateDir), [STATE_MARKER_FILE_NAME], 'nothing is written over the evidence');
  });

  it('refuses a directory with other files but no ledger and no marker, unless startFreshBudget', async () => {
    const stateDir = await dirs.make();
    await writeFile(join(stateDir, 'notes.txt'), 'someone else\'s file');
    await assert.rejects(openAt(stateDir), isStateError(/holds files but no privacy ledger and no \.otel-dp-state.*startFreshBudget yes/));
    assert.deepEqual(await readdir(stateDir), ['notes.txt']);
    const logger = new RecordingLogger();
    await openAt(stateDir, { startFreshBudget: true, logger });
    assert.deepEqual(freshStartLines(logger), [['warn', 'startFreshBudget']]);
  });

  it('continues a used directory without a fresh-start line', async () => {
    const stateDir = await usedDirectory();
    const logger = new RecordingLogger();
    const accountant = await openAt(stateDir, { logger });
    assert.equal(accountant.status(NOW).windowsInHorizon, 2);
    assert.deepEqual(freshStartLines(logger), []);
  });

  it('reads a ledger written before markers existed and adds the marker', async () => {
    const stateDir = await usedDirectory();
    await rm(join(stateDir, STATE_MARKER_FILE_NAME));
    const logger = new RecordingLogger();
    const accountant = await openAt(stateDir, { logger });
    assert.equal(accountant.status(NOW).windowsInHorizon, 2);
    assert.deepEqual(freshStartLines(logger), []);
    const marker = JSON.parse(await readFile(join(stateDir, STATE_MARKER_FILE_NAME), 'utf8'));
    assert.equal(marker.firstSpendSavedAtMillis, NOW);
  });
});

describe('state directory: ledgers that cannot be trusted', () => {
  it('refuses a ledger cut to zero bytes, saying so', async () => {
    const stateDir = await usedDirectory();
    await writeFile(join(stateDir, LEDGER_FILE_NAME), '');
    await assert.rejects(openAt(stateDir, { maxEpsilon: null }), isStateError(/privacy-ledger\.json is empty \(0 bytes\).*Restore it from a backup/));
  });

  it('refuses a ledger whose entries were removed after the marker recorded a spend', async () => {
    const stateDir = await usedDirectory();
    const path = join(stateDir, LEDGER_FILE_NAME);
    const document = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify({ ...document, entries: [] }));
    await assert.rejects(openAt(stateDir), isStateError(/holds no spend, but \.otel-dp-state says it held one since .*its entries were removed/));
    await assert.rejects(openAt(stateDir, { maxEpsilon: null }), isStateError(/its entries were removed/));
  });

  it('keeps an empty ledger that never held a spend', async () => {
    const stateDir = await dirs.make();
    await (await openAt(stateDir)).close();
    assert.equal((await openAt(stateDir)).status(NOW).windowsInHorizon, 0);
  });

  it('refuses a ledger with a spend beyond the clock plus the skew allowance and the stamp lead', async () => {
    const stateDir = await dirs.make();
    const writer = await openAt(stateDir);
    await writer.record(pure(0.5), NOW + 10_000);
    await writer.close();
    const ahead = isStateError(/holds a spend at .*, \d+ s after this machine's clock .*correct it \(NTP\).*wait until then, or move the ledger/);
    const behind = NOW + 10_000 - LEDGER_CLOCK_SKEW_MILLIS;
    await assert.rejects(openAt(stateDir, { now: behind - 1 }), ahead);
    assert.equal((await openAt(stateDir, { now: behind })).status(behind).windowsInHorizon, 1, 'within the allowance');
    await assert.rejects(openAt(stateDir, { now: behind - 5_001, stampLeadMillis: 5_000 }), ahead);
    await (await openAt(stateDir, { now: behind - 5_000, stampLeadMillis: 5_000 })).close();
  });

  it('refuses a marker that is not ours', async () => {
    const stateDir = await usedDirectory();
    await writeFile(join(stateDir, STATE_MARKER_FILE_NAME), '{"format":"something"}');
    await assert.rejects(openAt(stateDir), isStateError(/state marker .* is not an otel-dp state marker/));
  });
});
