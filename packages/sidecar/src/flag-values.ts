import { UsageError } from './usage-error.js';

// A plain decimal number: no hex, no `Infinity`, no empty string (which
// `Number()` would all accept).
const DECIMAL_PATTERN = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const WHOLE_PATTERN = /^\d+$/;

/**
 * Reads a finite decimal number such as `1`, `0.5` or `1e-6`.
 * @param label the flag or environment variable, e.g. `--epsilon`.
 */
export function parseNumberValue(text: string, label: string): number {
  const trimmed = text.trim();
  if (!DECIMAL_PATTERN.test(trimmed)) {
    throw new UsageError(`${label} is "${text}", must be a number`);
  }
  return Number(trimmed);
}

/** Reads a whole number, at least `min`, such as `10` or `16777216`. */
export function parseWholeValue(text: string, label: string, min: number): number {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!WHOLE_PATTERN.test(trimmed) || !Number.isSafeInteger(value)) {
    throw new UsageError(`${label} is "${text}", must be a whole number`);
  }
  if (value < min) {
    throw new UsageError(`${label} is ${value}, must be at least ${min}`);
  }
  return value;
}

/** Reads one of a fixed set of words, e.g. `laplace` or `gaussian`. */
export function parseChoiceValue<T extends string>(text: string, label: string, choices: readonly T[]): T {
  const trimmed = text.trim();
  const found = choices.find((choice) => choice === trimmed);
  if (found === undefined) {
    throw new UsageError(`${label} is "${text}", must be one of ${choices.join(', ')}`);
  }
  return found;
}

/**
 * Reads an http: or https: URL. The text is never quoted in an error, as a
 * URL may carry credentials.
 * @param example shown in the message when the text is not a URL.
 */
export function parseHttpUrlValue(text: string, label: string, example: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UsageError(`${label} is not a valid URL, expected e.g. ${example}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${label} has scheme ${url.protocol}, must be http: or https:`);
  }
  return url;
}
