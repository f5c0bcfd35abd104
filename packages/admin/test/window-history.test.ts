import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WindowEvent } from '../src/index.js';
import { WindowHistory, windowEventProblem } from '../src/window-history.js';

function event(end: number): WindowEvent {
  return { windowEndMillis: end, epsilonSpent: end / 10, windowEpsilon: 0.1, released: 1, suppressed: 0, withheld: false };
}

describe('WindowHistory', () => {
  it('holds at most its capacity, dropping the oldest, and returns windows oldest first across the wrap', () => {
    const history = new WindowHistory(5);
    assert.deepEqual(history.endedSince(0), []);
    for (let i = 0; i < 3; i++) history.push(event(i));
    assert.equal(history.size, 3);
    assert.deepEqual(history.endedSince(0).map((e) => e.windowEndMillis), [0, 1, 2]);
    for (let i = 3; i < 12; i++) history.push(event(i));
    assert.equal(history.size, 5);
    assert.deepEqual(history.endedSince(0).map((e) => e.windowEndMillis), [7, 8, 9, 10, 11]);
  });

  it('keeps only windows that ended at or after the given time', () => {
    const history = new WindowHistory(10);
    for (let i = 0; i < 10; i++) history.push(event(i * 1000));
    assert.deepEqual(history.endedSince(7000).map((e) => e.windowEndMillis), [7000, 8000, 9000]);
    assert.deepEqual(history.endedSince(9001), []);
  });

  it('holds one window with capacity 1', () => {
    const history = new WindowHistory(1);
    history.push(event(1));
    history.push(event(2));
    assert.deepEqual(history.endedSince(0).map((e) => e.windowEndMillis), [2]);
  });
});

describe('windowEventProblem', () => {
  it('accepts complete events and names the first bad field otherwise', () => {
    assert.equal(windowEventProblem(event(1)), undefined);
    assert.equal(windowEventProblem({ ...event(1), epsilonRemaining: 3 }), undefined);
    assert.equal(windowEventProblem({ ...event(1), windowEpsilon: Number.NaN }), 'windowEpsilon is NaN, must be a finite number of at least 0');
    assert.equal(windowEventProblem({ ...event(1), released: -1 }), 'released is -1, must be a finite number of at least 0');
    assert.equal(windowEventProblem({ ...event(1), epsilonRemaining: Infinity }), 'epsilonRemaining is Infinity, must be a finite number of at least 0');
    assert.equal(windowEventProblem({ ...event(1), withheld: 'no' as unknown as boolean }), 'withheld must be true or false');
    assert.equal(windowEventProblem(null as unknown as WindowEvent), 'is not an object');
  });
});
