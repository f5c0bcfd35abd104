import { setTimeout as sleep } from 'node:timers/promises';
import { CodedError } from '@otel-dp/otlp';

/** Thrown when a bounded wait runs out; the message says what was awaited. */
export class WaitTimeoutError extends CodedError<'E2E_WAIT_TIMEOUT'> {
  constructor(what: string, timeoutMillis: number) {
    super('E2E_WAIT_TIMEOUT', `timed out after ${timeoutMillis} ms waiting for ${what}`);
  }
}

export interface WaitOptions {
  /** What is awaited, for the timeout message; a function is called at the timeout, so it can show the state last seen. */
  what: string | (() => string);
  /** Give up after this many milliseconds. Default 10 000. */
  timeoutMillis?: number;
  /** Milliseconds between checks. Default 20. */
  intervalMillis?: number;
}

/** Polls `condition` until it holds; throws {@link WaitTimeoutError} when the time is up. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, options: WaitOptions): Promise<void> {
  const timeoutMillis = options.timeoutMillis ?? 10_000;
  const deadline = Date.now() + timeoutMillis;
  while (!(await condition())) {
    if (Date.now() >= deadline) throw new WaitTimeoutError(typeof options.what === 'string' ? options.what : options.what(), timeoutMillis);
    await sleep(options.intervalMillis ?? 20);
  }
}
