/**
 * What one closed window did, as the status page charts it. Counts are
 * exact (not privatized), like every figure on the admin endpoint.
 */
export interface WindowEvent {
  /** End of the window, in Unix milliseconds. */
  windowEndMillis: number;
  /** ε spent over the accountant's horizon once this window is counted. */
  epsilonSpent: number;
  /** ε this window's release spent; 0 for a withheld window. */
  windowEpsilon: number;
  /** ε left over the horizon when a cap is set; absent without a cap. */
  epsilonRemaining?: number;
  /** Series released by the window. */
  released: number;
  /** New series held back by partition selection. */
  suppressed: number;
  /** True when the budget cap stopped the window's release. */
  withheld: boolean;
  /** Per metric, series the window saw and did not release (waiting for partition selection). */
  waiting?: { metric: string; series: number }[];
  /** What partition selection asks of a new series; absent when undeclared series are dropped. */
  selection?: { threshold: number; stdDev: number };
}

/**
 * The latest windows, oldest dropped first once `capacity` are held. The
 * slots are allocated once; `next` walks round them:
 *
 * ```
 *   capacity 5, 7 windows pushed (w0, w1 overwritten)
 *   slots: [ w5 | w6 | w2 | w3 | w4 ]
 *                     ^ next: the oldest, and where w7 goes
 * ```
 */
export class WindowHistory {
  readonly #slots: Array<WindowEvent | undefined>;
  #next = 0;
  #size = 0;

  /** `capacity`: most windows held, at least 1. */
  constructor(readonly capacity: number) {
    this.#slots = new Array<WindowEvent | undefined>(capacity).fill(undefined);
  }

  /** Windows held, at most `capacity`. */
  get size(): number {
    return this.#size;
  }

  push(event: WindowEvent): void {
    this.#slots[this.#next] = event;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size += 1;
  }

  /** The windows held that ended at or after `fromMillis`, oldest first. */
  endedSince(fromMillis: number): WindowEvent[] {
    const out: WindowEvent[] = [];
    const oldest = (this.#next - this.#size + this.capacity) % this.capacity;
    for (let i = 0; i < this.#size; i++) {
      const event = this.#slots[(oldest + i) % this.capacity] as WindowEvent;
      if (event.windowEndMillis >= fromMillis) out.push(event);
    }
    return out;
  }
}

/** What is wrong with an event, or undefined when every field is usable. */
export function windowEventProblem(event: WindowEvent): string | undefined {
  if (typeof event !== 'object' || event === null) return 'is not an object';
  const numbers: Array<[string, unknown]> = [
    ['windowEndMillis', event.windowEndMillis],
    ['epsilonSpent', event.epsilonSpent],
    ['windowEpsilon', event.windowEpsilon],
    ['released', event.released],
    ['suppressed', event.suppressed],
  ];
  if (event.epsilonRemaining !== undefined) numbers.push(['epsilonRemaining', event.epsilonRemaining]);
  for (const [field, value] of numbers) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return `${field} is ${String(value)}, must be a finite number of at least 0`;
  }
  if (typeof event.withheld !== 'boolean') return 'withheld must be true or false';
  return undefined;
}
