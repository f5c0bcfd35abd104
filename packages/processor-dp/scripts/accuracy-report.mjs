#!/usr/bin/env node
// Accuracy of what otel-dp releases over time, through `simulate` (the real
// processor and its real noise), at ε = 0.1, 1 and 10 with δ = 1e-6:
//   1. drift: a counter fed by 200 tokens for 10 windows, then idle for 200;
//   2. latency histograms: 1,000 tokens × 20 log-normal latencies a window
//      (median 80 ms, log-sd 1) for 30 windows, on the SDK's default buckets
//      and on exponential histograms;
//   3. RMSE of a window's value and of a 100-window running total against
//      the σ that `plan` states.
//   Latencies are clipped at 2,500 ms (0.04 % of them lie above).
// Build first (pnpm build). Usage: node scripts/accuracy-report.mjs [runs]
// (default 100 runs; about 10 minutes on one core). Prints Markdown tables.
import { CryptoRandomSource, DEFAULT_DP_CONFIG, planPrivacy } from '../dist/src/index.js';
import {
  COUNTER_METRIC,
  LATENCY_METRIC,
  accuracyConfig,
  bucketCounts,
  counterBurst,
  histogramQuantile,
  latencyWorkload,
  releasedRuns,
  summarize,
  windowHistogram,
} from '../dist/src/testing.js';

const runs = Number(process.argv[2] ?? 100);
const random = new CryptoRandomSource();
const EPSILONS = [0.1, 1, 10];
const schedule = { windowMillis: 1000, startMillis: 1_700_000_000_000 };
const base = (epsilon, extra = {}) =>
  accuracyConfig({
    ...DEFAULT_DP_CONFIG,
    epsilon,
    windowMillis: schedule.windowMillis,
    maxSeriesPerToken: 1,
    clip: [
      { pattern: COUNTER_METRIC, lower: 0, upper: 10 },
      { pattern: LATENCY_METRIC, lower: 0, upper: 2_500 },
    ],
    clipCount: [{ pattern: LATENCY_METRIC, count: 20 }],
    exportStdErr: true,
    ...extra,
  });
const pct = (x) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
const sds = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(2)} sd`;
const withError = (summary, format) => `${format(summary.mean)} ± ${format(summary.standardError).replace(/^\+/, '')}`;

console.log(`# otel-dp accuracy report (${runs} runs per row, δ = 1e-6, Gaussian unless said)\n`);

console.log('## 1. Counter drift: 200 tokens × 10 per window for 10 windows, then 200 idle windows\n');
console.log('Bias of the released running total (cumulative value, or sum of the delta points), in its own standard deviation and in % of the truth (20,000).\n');
console.log('| ε | mechanism | projection | output | after the burst | after 200 idle windows | summed deltas = cumulative |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
const burst = counterBurst({ ...schedule, tokens: 200, value: 10, burstWindows: 10, idleWindows: 200 });
const truth = 200 * 10 * 10;
for (const epsilon of EPSILONS) {
  for (const mechanism of ['gaussian', 'laplace']) {
    for (const counterProjection of ['monotone', 'none']) {
      for (const outputTemporality of ['cumulative', 'delta']) {
        const config = base(epsilon, { mechanism, counterProjection, outputTemporality });
        const released = await releasedRuns(burst, config, runs, COUNTER_METRIC, random);
        const at = (t) => {
          const sd = released[0].stdErrs.length > 0 && outputTemporality === 'cumulative' ? released[0].stdErrs[t - 1] : Math.sqrt(t) * planPrivacy(config, 200).metrics[0].windowStdDev;
          const errors = released.map((run) => run.totals[t - 1] - truth);
          return `${withError(summarize(errors.map((e) => e / sd)), sds)}, ${pct(summarize(errors).mean / truth)}`;
        };
        const consistent = released.every((run) => run.totals.length === 210);
        console.log(`| ${epsilon} | ${mechanism} | ${counterProjection} | ${outputTemporality} | ${at(10)} | ${at(210)} | ${consistent ? 'yes (running sum of the points)' : 'windows missing'} |`);
      }
    }
  }
}

console.log('\n## 2. Latency histograms: 1,000 tokens × 20 log-normal latencies per window, 30 windows\n');
console.log('Mean relative error after 30 windows (cumulative), against the true histogram on the same buckets; per-window p50 averaged over the 30 windows. Empty mass: released counts in buckets that hold nothing, in % of the count.\n');
console.log('| layout | ε | count | mean | empty mass | p50 | p90 | p99 | per-window p50 |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const [layout, shape] of [
  ['SDK default buckets', {}],
  ['exponential (scale 3, 160 buckets)', { exponentialScale: 3 }],
]) {
  const workload = latencyWorkload({ ...schedule, tokens: 1000, perToken: 20, windows: 30, medianMillis: 80, sigmaLog: 1, ...shape });
  for (const epsilon of EPSILONS) {
    // A histogram costs two of a token's k units (its buckets and its sum).
    const released = await releasedRuns(workload, base(epsilon, { maxSeriesPerToken: 2 }), Math.max(4, Math.round(runs / 10)), LATENCY_METRIC, random);
    const errors = { count: [], mean: [], empty: [], p50: [], p90: [], p99: [], window50: [] };
    let emptyWindows = 0;
    const trueSum = workload.values.reduce((a, b) => a + b, 0);
    for (const run of released) {
      const last = run.histograms.at(-1);
      const perWindow = bucketCounts(workload.values, last.upperBounds.slice(0, -1));
      const trueCounts = perWindow.map((c) => c * 30);
      const count = last.counts.reduce((a, b) => a + b, 0);
      errors.count.push(count / (workload.values.length * 30) - 1);
      errors.mean.push(last.sum / count / (trueSum / workload.values.length) - 1);
      errors.empty.push(last.counts.reduce((a, c, i) => a + (trueCounts[i] === 0 ? c : 0), 0) / count);
      for (const q of [50, 90, 99]) errors[`p${q}`].push(histogramQuantile(q / 100, last.upperBounds, last.counts) / histogramQuantile(q / 100, last.upperBounds, trueCounts) - 1);
      const truth50 = histogramQuantile(0.5, last.upperBounds, perWindow);
      // A window whose released histogram is empty has no p50; it is left out (and counted).
      const perWindowErrors = run.histograms.map((h, t) => histogramQuantile(0.5, h.upperBounds, windowHistogram(h, run.histograms[t - 1]).counts) / truth50 - 1);
      const finite = perWindowErrors.filter(Number.isFinite);
      emptyWindows += perWindowErrors.length - finite.length;
      errors.window50.push(finite.reduce((a, b) => a + b, 0) / finite.length);
    }
    const cell = (key) => withError(summarize(errors[key]), pct);
    const windowCell = emptyWindows === 0 ? cell('window50') : `${cell('window50')} (${emptyWindows} of ${30 * released.length} windows empty)`;
    console.log(`| ${layout} | ${epsilon} | ${cell('count')} | ${cell('mean')} | ${cell('empty')} | ${cell('p50')} | ${cell('p90')} | ${cell('p99')} | ${windowCell} |`);
  }
}

console.log('\n## 3. RMSE against the formula: 200 tokens × 10 per window for 100 windows, unbiased output (--counter-projection none)\n');
console.log('| ε | mechanism | σ of a window (plan) | measured RMSE | σ of 100 windows (plan) | measured RMSE |');
console.log('| --- | --- | --- | --- | --- | --- |');
const steady = counterBurst({ ...schedule, tokens: 200, value: 10, burstWindows: 100, idleWindows: 0 });
for (const epsilon of EPSILONS) {
  for (const mechanism of ['gaussian', 'laplace']) {
    const config = base(epsilon, { mechanism, counterProjection: 'none', outputTemporality: 'cumulative' });
    const released = await releasedRuns(steady, config, runs, COUNTER_METRIC, random);
    const planned = planPrivacy(config, 200).metrics[0];
    let window = 0;
    let total = 0;
    for (const run of released) {
      for (let t = 0; t < 100; t++) window += (run.totals[t] - (t === 0 ? 0 : run.totals[t - 1]) - 2000) ** 2;
      total += (run.totals[99] - 100 * 2000) ** 2;
    }
    const hundred = planned.totalStdDev.find((entry) => entry.windows === 100).stdDev;
    console.log(
      `| ${epsilon} | ${mechanism} | ${planned.windowStdDev.toFixed(1)} | ${Math.sqrt(window / (100 * runs)).toFixed(1)} | ${hundred.toFixed(1)} | ${Math.sqrt(total / runs).toFixed(1)} |`,
    );
  }
}
