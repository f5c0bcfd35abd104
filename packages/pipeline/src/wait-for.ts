/** Polls `condition` every 5 ms; rejects naming `what` after `timeoutMillis`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMillis = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMillis;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMillis} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
