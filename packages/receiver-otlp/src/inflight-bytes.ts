/**
 * The bytes held by requests in flight on both listeners together: bodies
 * as received, and what they inflate to, from the first byte until the
 * answer is sent. A request that would take the total past the limit is
 * refused with a retryable answer rather than held, so the receiver's
 * memory for request bodies stays bounded however many requests arrive at
 * once.
 */
export class InflightBytes {
  readonly #limit: number;
  readonly #name: string;
  #bytes = 0;
  #peakBytes = 0;

  /**
   * @param limit Most bytes held at once (`maxInflightBytes`).
   * @param name What clients are told the limit is called.
   */
  constructor(limit: number, name = 'maxInflightBytes') {
    this.#limit = limit;
    this.#name = name;
  }

  /** The configured limit. */
  get limit(): number {
    return this.#limit;
  }

  /** What clients are told the limit is called. */
  get name(): string {
    return this.#name;
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The most bytes held at once since the receiver was created. */
  get peakBytes(): number {
    return this.#peakBytes;
  }

  /** A hold for one request, empty until it takes bytes. */
  hold(): InflightHold {
    return new InflightHold(this);
  }

  /** @internal Takes `count` bytes if they fit; false (taking nothing) if not. */
  take(count: number): boolean {
    if (this.#bytes + count > this.#limit) return false;
    this.#bytes += count;
    if (this.#bytes > this.#peakBytes) this.#peakBytes = this.#bytes;
    return true;
  }

  /** @internal */
  give(count: number): void {
    this.#bytes -= count;
  }
}

/** What one request holds of the {@link InflightBytes} budget; release it once the answer is sent. */
export class InflightHold {
  readonly #budget: InflightBytes;
  #held = 0;
  #released = false;

  constructor(budget: InflightBytes) {
    this.#budget = budget;
  }

  /** The limit of the budget shared with other requests. */
  get limit(): number {
    return this.#budget.limit;
  }

  /** What clients are told that limit is called. */
  get limitName(): string {
    return this.#budget.name;
  }

  /** Bytes this request holds. */
  get held(): number {
    return this.#held;
  }

  /** Takes `count` more bytes; false, taking nothing, when they do not fit or the hold was released. */
  take(count: number): boolean {
    if (this.#released || !this.#budget.take(count)) return false;
    this.#held += count;
    return true;
  }

  /** Gives back `count` of the bytes held (at most all of them). */
  give(count: number): void {
    const given = Math.min(count, this.#held);
    this.#held -= given;
    this.#budget.give(given);
  }

  /** Gives back everything and takes nothing more; later calls do nothing. */
  release(): void {
    this.give(this.#held);
    this.#released = true;
  }
}
