/** Distinct strings whose verdict is remembered before the cache starts over. */
export const DEFAULT_VERDICT_CACHE_LIMIT = 10_000;

/**
 * Strings longer than this are judged on every call and never cached, so the
 * cache holds at most limit × 512 characters however long the values sent.
 */
export const MAX_CACHED_STRING_LENGTH = 512;

/**
 * Remembers a boolean verdict per distinct string. Attribute values repeat
 * across points (routes, status codes, host names), so after warm-up a
 * verdict costs one map lookup. Values are client-chosen and unbounded in
 * number, so when the cache is full it is cleared and refilled: a few
 * recomputations, never unbounded memory.
 */
export class VerdictCache {
  private readonly verdicts = new Map<string, boolean>();

  /**
   * @param judge computes the verdict for a string not in the cache.
   * @param limit entries kept before clearing; default {@link DEFAULT_VERDICT_CACHE_LIMIT}.
   */
  constructor(
    private readonly judge: (value: string) => boolean,
    readonly limit: number = DEFAULT_VERDICT_CACHE_LIMIT,
  ) {}

  /** Entries currently held; never more than `limit`. */
  get size(): number {
    return this.verdicts.size;
  }

  /** The verdict for `value`, computed at most once while it stays cached. */
  verdict(value: string): boolean {
    const known = this.verdicts.get(value);
    if (known !== undefined) return known;
    const verdict = this.judge(value);
    if (value.length <= MAX_CACHED_STRING_LENGTH) {
      if (this.verdicts.size >= this.limit) this.verdicts.clear();
      this.verdicts.set(value, verdict);
    }
    return verdict;
  }
}
