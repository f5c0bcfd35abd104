import type { NoiseSampler } from './release.js';

/**
 * The binary-tree mechanism for continual counting (Dwork, Naor, Pitassi,
 * Rothblum STOC'10; Chan, Shi, Song TISSEC'11), with Honaker's
 * variance-reducing estimate of each node from its children (TPDP 2015).
 *
 * Window t (1-based) is a leaf; a node at level i covers 2^i consecutive
 * windows and is released, noised once, when its last window closes. One
 * window's total lies in exactly one node per level, so with `levels` levels
 * and per-node noise of scale `√levels·s` (Gaussian, L2) or `levels·s`
 * (Laplace, L1) the whole stream of releases costs what one window released
 * with scale s costs: the per-window guarantee is unchanged.
 *
 * The running total at t is the sum of the latest node estimate at each level
 * where t has a 1 bit, so its variance is Σ_{i∈bits(t)} v_i ≤ levels·v_max
 * instead of t·σ² for a sum of independently noised windows. After 2^(levels−1)
 * windows the tree is full: its root estimate becomes a fixed offset and a new
 * tree starts, so memory per series stays O(levels).
 */
export class TreeShape {
  /** Variance of the estimate of a node at each level, in squared grid steps. */
  readonly levelVariance: Float64Array;
  /** Windows one tree covers before it restarts. */
  readonly span: number;

  constructor(
    readonly levels: number,
    /** Noise scale (σ or b) drawn for each node, in grid steps. */
    readonly nodeScale: number,
    /** Variance of one node's noise, in squared grid steps. */
    readonly nodeVariance: number,
  ) {
    if (!Number.isInteger(levels) || levels < 1 || levels > 40) throw new RangeError(`levels is ${levels}, must be an integer from 1 to 40`);
    this.span = 2 ** (levels - 1);
    this.levelVariance = new Float64Array(levels);
    this.levelVariance[0] = nodeVariance;
    for (let i = 1; i < levels; i++) {
      const children = 2 * this.levelVariance[i - 1];
      this.levelVariance[i] = (nodeVariance * children) / (nodeVariance + children);
    }
  }

  /** Variance of the running total after `t` windows (t ≥ 1), counting full trees already folded into the offset. */
  totalVariance(t: number): number {
    const fullTrees = Math.floor(t / this.span);
    let variance = fullTrees * this.levelVariance[this.levels - 1];
    let rest = t - fullTrees * this.span;
    for (let level = 0; rest > 0; level++, rest = Math.floor(rest / 2)) {
      if (rest % 2 === 1) variance += this.levelVariance[level];
    }
    return variance;
  }
}

/** One series' continual counter: O(levels) numbers of state. */
export class ContinualCounter {
  /** Windows seen in the current tree. */
  private t = 0;
  /** Estimate of the running total of every full tree before the current one. */
  private offset = 0;
  /** True total of the node still open at each level. */
  private readonly open: Float64Array;
  /** Latest completed node estimate at each level. */
  private readonly estimate: Float64Array;

  constructor(private readonly shape: TreeShape) {
    this.open = new Float64Array(shape.levels);
    this.estimate = new Float64Array(shape.levels);
  }

  /** Adds one window's true total (in grid steps) and returns the estimate of the running total (grid steps). */
  next(windowSteps: number, sample: NoiseSampler): number {
    const { levels, nodeScale, nodeVariance, levelVariance } = this.shape;
    this.t++;
    for (let i = 0; i < levels; i++) this.open[i] += windowSteps;
    // Estimate, before this window, at the level below: the left child of the node now completing above it.
    let leftChild = 0;
    for (let level = 0; level < levels && this.t % 2 ** level === 0; level++) {
      const noisy = this.open[level] + sample(nodeScale);
      this.open[level] = 0;
      const previous = this.estimate[level];
      if (level === 0) {
        this.estimate[0] = noisy;
      } else {
        const children = leftChild + this.estimate[level - 1];
        const childVariance = 2 * levelVariance[level - 1];
        this.estimate[level] = (noisy * childVariance + children * nodeVariance) / (nodeVariance + childVariance);
      }
      leftChild = previous;
    }
    const total = this.offset + this.prefix();
    if (this.t === this.shape.span) {
      this.offset = total;
      this.t = 0;
      this.open.fill(0);
      this.estimate.fill(0);
    }
    return total;
  }

  private prefix(): number {
    let total = 0;
    for (let level = 0, rest = this.t; rest > 0; level++, rest = Math.floor(rest / 2)) {
      if (rest % 2 === 1) total += this.estimate[level];
    }
    return total;
  }
}

/** Levels of a tree that spans one horizon of windows: ⌈log2 H⌉ + 1, at most 40. */
export function treeLevels(horizonMillis: number, windowMillis: number): number {
  const windows = Math.max(1, Math.ceil(horizonMillis / windowMillis));
  return Math.min(40, Math.ceil(Math.log2(windows)) + 1);
}
