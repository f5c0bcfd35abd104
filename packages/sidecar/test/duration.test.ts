import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, parseDuration } from '../src/duration.js';
import { UsageError } from '../src/usage-error.js';

describe('parseDuration', () => {
  it('reads each unit and combinations of them', () => {
    const cases: Array<[string, number]> = [
      ['500ms', 500],
      ['10s', 10_000],
      ['1m', 60_000],
      ['1h', 3_600_000],
      ['1h30m', 5_400_000],
      ['2m30s250ms', 150_250],
      ['1.5s', 1_500],
      ['0.1s', 100],
      ['.25h', 900_000],
      ['0s', 0],
      [' 60s ', 60_000],
    ];
    for (const [text, millis] of cases) assert.equal(parseDuration(text, '--window'), millis, text);
  });

  it('adds decimal parts without float residue', () => {
    assert.equal(parseDuration('0.1s0.2s', '--window'), 300);
  });

  it('refuses anything else with a message naming the flag and the text', () => {
    for (const text of ['', '500', '-1s', '+1s', '1d', '1 s', '1s 2s', 'abc', 's', '1.s', '1e3ms', '1S', '10sec']) {
      assert.throws(
        () => parseDuration(text, '--otlp-timeout'),
        (error: unknown) => {
          assert.ok(error instanceof UsageError, `"${text}" should throw a UsageError`);
          assert.equal(error.code, 'OTEL_DP_USAGE');
          assert.equal(error.message, `--otlp-timeout is "${text}", must be a duration such as 500ms, 10s, 1m or 1h30m`);
          return true;
        },
      );
    }
  });

  it('refuses a fraction of a millisecond', () => {
    assert.throws(() => parseDuration('0.5ms', '--window'), /--window is "0.5ms", must be a whole number of milliseconds/);
    assert.throws(() => parseDuration('1.0001s', '--window'), /whole number of milliseconds/);
  });

  it('refuses a duration too long to count in milliseconds exactly', () => {
    assert.throws(() => parseDuration('9999999999999h', '--window'), /--window is "9999999999999h", which is too long/);
  });
});

describe('formatDuration', () => {
  it('writes the shortest form that reads back to the same value', () => {
    const cases: Array<[number, string]> = [
      [0, '0s'],
      [1, '1ms'],
      [500, '500ms'],
      [1_500, '1s500ms'],
      [60_000, '1m'],
      [90_000, '1m30s'],
      [3_600_000, '1h'],
      [5_400_000, '1h30m'],
    ];
    for (const [millis, text] of cases) {
      assert.equal(formatDuration(millis), text);
      assert.equal(parseDuration(text, '--window'), millis);
    }
  });

  it('refuses negative and fractional values', () => {
    assert.throws(() => formatDuration(-1), RangeError);
    assert.throws(() => formatDuration(1.5), RangeError);
  });
});
