/**
 * Waits for `work` for at most `millis`: true when it finished in time,
 * false when the deadline came first (the work then goes on by itself). A
 * rejection of `work` before the deadline rejects this too. The timer is
 * cleared either way; with `unref` it does not keep the process alive.
 */
export async function finishesWithin(work: Promise<unknown>, millis: number, options: { unref?: boolean } = {}): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), millis);
    if (options.unref === true) timer.unref();
  });
  try {
    return await Promise.race([work.then(() => true), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
