/** Retry-After as delay-seconds: one or more digits (RFC 9110 §10.2.3). */
const DELAY_SECONDS = /^\d+$/;
/**
 * Every HTTP-date form (IMF-fixdate, RFC 850, asctime) starts with a day
 * name; checking it keeps Date.parse from reading "-5" or "1.5" as a date.
 */
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /;

/**
 * Reads an HTTP Retry-After value, either delay-seconds or an HTTP-date, as a
 * wait in milliseconds from `nowMillis` (a date in the past gives 0).
 * Returns undefined when the header is absent or unreadable, so the caller
 * falls back to its own backoff.
 */
export function parseRetryAfterMillis(value: string | undefined, nowMillis: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (DELAY_SECONDS.test(text)) return Number(text) * 1000;
  const date = HTTP_DATE.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMillis);
}
