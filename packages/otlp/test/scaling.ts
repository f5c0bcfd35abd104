// Detecting super-linear work by timing on a shared, noisy machine: compare
// the same amount of work done as eight small operations and as one eight
// times larger, interleaved so that both see the same machine. Each sample is
// this thread's CPU time, not the wall clock, so time spent descheduled by
// other processes is not counted, and the fastest sample of each stands for
// it: interference only ever adds time.

/** How much larger the large operation is than the small one. */
export const SIZE_FACTOR = 8;
/**
 * The most the large case may cost per unit over the small one. Linear work
 * gives about 1, but up to about 2.5 where the large input's garbage starts
 * to outlive the young generation (a run of 100,000 bigints, measured);
 * work quadratic in the size gives about 8 once the quadratic part
 * dominates at the small size, and still above 4.5 when it is only as large
 * as the linear part (the attribute runs measured 7 to 8 before their fix).
 */
export const MAX_RATIO = 4;
const SAMPLES = 7;
/** A case that is slow (as a quadratic one is) stops sampling after this long, with at least MIN_SAMPLES. */
const BUDGET_MS = 1500;
const MIN_SAMPLES = 3;
/** Milliseconds of small operations in one sample, at least SIZE_FACTOR of them, for the same work as one large one. */
const MIN_SMALL_MS = 10;

export interface ScalingTimes {
  /** Least CPU milliseconds of one small operation over the samples. */
  small: number;
  /** Least CPU milliseconds of one large operation over the samples. */
  large: number;
}

/**
 * Least CPU times of `small` and of `large` (an operation SIZE_FACTOR times
 * larger), each sample timing several of the small ones and SIZE_FACTOR
 * times fewer large ones back to back.
 */
export function measureScaling(small: () => unknown, large: () => unknown): ScalingTimes {
  small();
  large();
  const started = cpuMillis();
  let t = cpuMillis();
  small();
  const once = cpuMillis() - t;
  const smallPerSample = SIZE_FACTOR * Math.max(1, Math.ceil(MIN_SMALL_MS / SIZE_FACTOR / Math.max(once, 1e-3)));
  const smallTimes: number[] = [];
  const largeTimes: number[] = [];
  for (let i = 0; i < SAMPLES && (i < MIN_SAMPLES || cpuMillis() - started < BUDGET_MS); i++) {
    t = cpuMillis();
    for (let k = 0; k < smallPerSample; k++) small();
    const afterSmall = cpuMillis();
    for (let k = 0; k < smallPerSample / SIZE_FACTOR; k++) large();
    const afterLarge = cpuMillis();
    smallTimes.push((afterSmall - t) / smallPerSample);
    largeTimes.push((afterLarge - afterSmall) / (smallPerSample / SIZE_FACTOR));
  }
  return { small: Math.min(...smallTimes), large: Math.min(...largeTimes) };
}

/** CPU time of this process (user and system), in milliseconds. */
function cpuMillis(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The element count at which `build` makes about `bytes` bytes (its size being linear in the count). */
export function fitCount(build: (count: number) => Uint8Array, bytes: number): number {
  const probe = 256;
  const base = build(0).length;
  const perElement = (build(probe).length - base) / probe;
  return Math.max(1, Math.round((bytes - base) / perElement));
}
