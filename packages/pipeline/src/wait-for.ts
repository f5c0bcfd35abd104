/**
 * Polls `condition` every 5 ms; rejects naming `what` after `timeoutMillis`.
 * A function for `what` is called at the timeout, so the message can show
 * the state the condition last saw.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMillis = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMillis;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMillis} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
