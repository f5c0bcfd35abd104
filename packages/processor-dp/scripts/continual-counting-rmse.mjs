#!/usr/bin/env node
// RMSE of a released cumulative counter after T windows at ρ = 0.5 and
// sensitivity 1 (σ = 1 per window): the binary tree with Honaker's estimates
// (11 levels, sized for 1,024 windows) against its own formula and against a
// running sum of independently noised windows. Build first (pnpm build).
// Prints a Markdown table; takes a few seconds.
import { ContinualCounter, CryptoRandomSource, TreeShape, discreteGaussianVariance, sampleDiscreteGaussian } from '../dist/src/index.js';
const runs = Number(process.argv[2] ?? 2000);
const levels = 11;
const T = 1024;
const random = new CryptoRandomSource();
const sample = (s) => sampleDiscreteGaussian(random, s);
const nodeSigma = Math.sqrt(levels);
const shape = new TreeShape(levels, nodeSigma, discreteGaussianVariance(nodeSigma));
const checkpoints = [1, 64, 1023, 1024];
const tree = new Map(checkpoints.map((t) => [t, 0])), naive = new Map(checkpoints.map((t) => [t, 0]));
let treeMean = 0, naiveMean = 0;
for (let r = 0; r < runs; r++) {
  const c = new ContinualCounter(shape); let sum = 0;
  for (let t = 1; t <= T; t++) {
    const e = c.next(0, sample); sum += sample(1);
    treeMean += e * e; naiveMean += sum * sum;
    if (tree.has(t)) { tree.set(t, tree.get(t) + e * e); naive.set(t, naive.get(t) + sum * sum); }
  }
}
console.log('| T | tree RMSE measured | tree RMSE formula | naive RMSE measured | naive formula √T·σ | naive / tree |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const t of checkpoints) {
  const m = Math.sqrt(tree.get(t) / runs), f = Math.sqrt(shape.totalVariance(t)), n = Math.sqrt(naive.get(t) / runs);
  console.log(`| ${t} | ${m.toFixed(2)} | ${f.toFixed(2)} | ${n.toFixed(2)} | ${Math.sqrt(t * discreteGaussianVariance(1)).toFixed(2)} | ${(n / m).toFixed(1)} |`);
}
let fm = 0; for (let t = 1; t <= T; t++) fm += shape.totalVariance(t);
console.log(`| mean over t ≤ 1024 | ${Math.sqrt(treeMean / runs / T).toFixed(2)} | ${Math.sqrt(fm / T).toFixed(2)} | ${Math.sqrt(naiveMean / runs / T).toFixed(2)} | ${Math.sqrt(512.5 * discreteGaussianVariance(1)).toFixed(2)} | ${Math.sqrt(naiveMean / treeMean).toFixed(1)} |`);
