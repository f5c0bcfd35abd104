import { UsageError } from './usage-error.js';

const UNIT_MILLIS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

// One or more `<number><unit>` parts, e.g. `1h30m` or `1.5s`; no sign, no spaces.
const DURATION_PATTERN = /^(?:(?:\d+(?:\.\d+)?|\.\d+)(?:ms|s|m|h))+$/;
const PART_PATTERN = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)/g;

/**
 * Parses a duration such as `500ms`, `10s`, `1m`, `1h` or `1h30m` into
 * milliseconds. Parts add up in any order; decimals are allowed as long as
 * the total is a whole number of milliseconds (`1.5s` is 1500, `0.5ms` is
 * refused). Zero (`0s`) is returned as 0: the caller decides whether it is
 * allowed.
 *
 * @param flag names the option in the error, e.g. `--window`.
 * @throws {UsageError} naming the flag, for anything else (a bare number, a
 *   negative value, an unknown unit, an empty string).
 */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  if (!DURATION_PATTERN.test(trimmed)) {
    throw new UsageError(`${flag} is "${text}", must be a duration such as 500ms, 10s, 1m or 1h30m`);
  }
  let millis = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART_PATTERN)) {
    millis += Number(amount) * UNIT_MILLIS[unit];
  }
  // Decimal parts such as 0.1s + 0.2s carry binary rounding error; a
  // whole-millisecond total is recognised within a tolerance far below 1 ms.
  const rounded = Math.round(millis);
  if (Math.abs(millis - rounded) > 1e-6) {
    throw new UsageError(`${flag} is "${text}", must be a whole number of milliseconds`);
  }
  if (!Number.isSafeInteger(rounded)) {
    throw new UsageError(`${flag} is "${text}", which is too long`);
  }
  return rounded;
}

/**
 * Writes milliseconds in the shortest form {@link parseDuration} reads back:
 * 60000 is `1m`, 90000 is `1m30s`, 1500 is `1s500ms`, 0 is `0s`.
 */
export function formatDuration(millis: number): string {
  if (!Number.isSafeInteger(millis) || millis < 0) {
    throw new RangeError(`duration ${millis}ms must be a whole, non-negative number of milliseconds`);
  }
  if (millis === 0) return '0s';
  let rest = millis;
  let text = '';
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1_000], ['ms', 1]] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text;
}
