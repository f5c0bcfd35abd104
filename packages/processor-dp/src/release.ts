import type { UndeclaredSeriesPolicy } from './config.js';
import { ReleasedTotals } from './kinds/released-totals.js';
import { seriesKind } from './kinds/registry.js';
import type { SeriesKind } from './kinds/series-kind.js';
import type { RandomSource } from './noise/index.js';
import type { NoiseSampler } from './noise/noise-mechanism.js';
import { attributesKey } from './attributes.js';
import type { PublicValues } from './public-partitions.js';
import type { PublicSeries, ReleasedValue } from './public-series.js';
import type { SeriesDescriptor } from './series.js';
import type { WindowCalibration } from './window-calibration.js';
import type { WindowContributions } from './window.js';

export interface WindowRelease {
  released: ReleasedValue[];
  /** New series held back by partition selection: an exact count, for local diagnostics only. */
  suppressed: number;
}

interface Aggregate {
  descriptor: SeriesDescriptor;
  /** Found once per series rather than for every token's entry. */
  kind: SeriesKind;
  steps: Float64Array;
  tokens: number;
}

export interface ReleaseInputs {
  window: WindowContributions;
  publicSeries: Map<string, PublicSeries>;
  publicValues: PublicValues;
  calibration: WindowCalibration;
  undeclaredSeries: UndeclaredSeriesPolicy;
  maxSeriesPerToken: number;
  /**
   * Most public series. When more new series pass selection than fit, a
   * uniformly random subset of them is kept: post-processing of the
   * selection, as the public count is itself released.
   */
  maxPublicSeries: number;
  random: RandomSource;
  sample: NoiseSampler;
}

/**
 * One window's DP release: bound each token's contribution (at most k units
 * of series, chosen uniformly at random when it touched more; each component
 * clamped), aggregate across tokens, select new series by noisy distinct-token
 * count (declared public ones skip it; when `undeclaredSeries` is `drop` the
 * others are held back without one), and noise every public series'
 * components. Updates `publicSeries` in place.
 *
 * Each window's noise is drawn afresh and each value reads this window's
 * contributions only, so a token present in n windows costs n windows'
 * budget (zCDP and pure-ε composition), whatever is done with the released
 * values afterwards.
 */
export function releaseWindow(inputs: ReleaseInputs): WindowRelease {
  const { window, publicSeries, calibration, sample } = inputs;
  const aggregates = aggregateBounded(inputs);

  let suppressed = 0;
  const selected: SeriesDescriptor[] = [];
  for (const [key, aggregate] of aggregates) {
    if (publicSeries.has(key)) continue;
    const { descriptor } = aggregate;
    if (descriptor.declaredPublic && publishDeclared(descriptor, inputs)) continue;
    if (inputs.undeclaredSeries === 'drop') suppressed++;
    else if (aggregate.tokens + sample(calibration.selectionScale) < calibration.selectionThreshold) suppressed++;
    else selected.push(descriptor);
  }
  // Past the cap, which selected series are kept must not depend on the order
  // the tokens' data arrived in (that order is not private): a uniformly
  // random subset of them is a function of the noisy selection alone.
  const room = Math.max(0, inputs.maxPublicSeries - publicSeries.size);
  if (selected.length > room) {
    shuffle(selected, inputs.random);
    suppressed += selected.length - room;
    selected.length = room;
  }
  for (const descriptor of selected) publicSeries.set(descriptor.key, newPublicSeries(descriptor, inputs));

  const released: ReleasedValue[] = [];
  for (const [key, series] of publicSeries) {
    const { components } = series.descriptor.metric.layout;
    const steps = aggregates.get(key)?.steps;
    const values = new Float64Array(components.length);
    for (let j = 0; j < components.length; j++) {
      const own = steps === undefined ? 0 : steps[j];
      values[j] = (own + sample(components[j].scaleSteps)) * components[j].grid;
    }
    released.push({ series, values });
  }
  return { released, suppressed };
}

function newPublicSeries(descriptor: SeriesDescriptor, inputs: ReleaseInputs): PublicSeries {
  return { descriptor, firstWindowStartMillis: inputs.window.startMillis, totals: new ReleasedTotals(descriptor.metric.layout.components.length) };
}

/**
 * Makes every combination of declared values for the series' attribute keys
 * public at once (see `public-partitions.ts`). False when there are too many
 * to enumerate, and the series goes through selection instead.
 */
function publishDeclared(descriptor: SeriesDescriptor, inputs: ReleaseInputs): boolean {
  const keys = descriptor.attributes.map((attribute) => attribute.key).sort();
  const combinations = inputs.publicValues.combinations(keys);
  if (combinations === undefined || inputs.publicSeries.size + combinations.length > inputs.maxPublicSeries) return false;
  for (const attributes of combinations) {
    const key = descriptor.prefix + attributesKey(attributes);
    if (!inputs.publicSeries.has(key)) inputs.publicSeries.set(key, newPublicSeries({ ...descriptor, key, attributes }, inputs));
  }
  return true;
}

/** Bounded contributions summed per series key (one descriptor per series within a window, see `series-directory.ts`). */
function aggregateBounded(inputs: ReleaseInputs): Map<string, Aggregate> {
  const { window, maxSeriesPerToken, random } = inputs;
  const aggregates = new Map<string, Aggregate>();
  const { values } = window.pool;
  for (const entries of window.entriesByToken()) {
    for (const entry of keptEntries(entries, window, maxSeriesPerToken, random)) {
      const series = window.seriesOf(entry);
      const descriptor = window.series[series];
      const { layout } = descriptor.metric;
      let aggregate = aggregates.get(descriptor.key);
      if (aggregate === undefined) {
        aggregate = { descriptor, kind: seriesKind(descriptor.metric.kind), steps: new Float64Array(layout.components.length), tokens: 0 };
        aggregates.set(descriptor.key, aggregate);
      }
      const contribution = new Float64Array(layout.components.length);
      const offset = window.offsetOf(entry);
      aggregate.kind.bound(values.subarray(offset, offset + window.seriesWidth[series]), layout, random, contribution);
      for (let j = 0; j < contribution.length; j++) aggregate.steps[j] += contribution[j];
      aggregate.tokens++;
    }
  }
  return aggregates;
}

/**
 * The entries (one per series) one token keeps: all when they fit in k units,
 * else a uniformly random order of them taken greedily while they fit. The
 * choice depends on this token's data and fresh randomness only, so the
 * k-unit bound holds whatever the other tokens sent.
 */
function keptEntries(entries: number[], window: WindowContributions, k: number, random: RandomSource): number[] {
  const unitsOf = (entry: number) => window.series[window.seriesOf(entry)].metric.layout.units;
  let units = 0;
  for (const entry of entries) units += unitsOf(entry);
  if (units <= k) return entries;
  shuffle(entries, random);
  const kept: number[] = [];
  let used = 0;
  for (const entry of entries) {
    const cost = unitsOf(entry);
    if (used + cost > k) continue;
    kept.push(entry);
    used += cost;
    if (used === k) break;
  }
  return kept;
}

/** Fisher–Yates, in place. */
function shuffle<T>(items: T[], random: RandomSource): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.uniformInt(i + 1);
    const item = items[i];
    items[i] = items[j];
    items[j] = item;
  }
}
