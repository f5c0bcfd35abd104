import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { finishesWithin } from '../src/index.js';

describe('finishesWithin', () => {
  it('is true for work that finishes before the deadline, and clears its timer', async () => {
    const before = process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;
    assert.equal(await finishesWithin(Promise.resolve('done'), 60_000), true);
    const after = process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;
    assert.equal(after, before, 'no timer left behind');
  });

  it('is false when the deadline comes first, and leaves the work running', async () => {
    let finish = (): void => undefined;
    const work = new Promise<void>((resolve) => (finish = resolve));
    assert.equal(await finishesWithin(work, 1), false);
    finish();
    await work;
  });

  it('passes on a rejection that comes before the deadline', async () => {
    await assert.rejects(finishesWithin(Promise.reject(new Error('broken')), 60_000), /broken/);
  });
});
