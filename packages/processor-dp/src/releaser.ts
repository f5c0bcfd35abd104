import type { BudgetStatus, ExportBatch } from '@otel-dp/pipeline';
import type { ResolvedDpProcessorConfig } from './config.js';
import type { RandomSource } from './noise/index.js';
import type { NoiseSampler } from './noise/noise-mechanism.js';
import { buildReleaseRequest, finalValues, windowSummary, type FinalValue, type OutputSettings } from './output.js';
import type { PublicValues } from './public-partitions.js';
import type { PublicSeries } from './public-series.js';
import { releaseWindow } from './release.js';
import type { WindowCalibration } from './window-calibration.js';
import type { WindowContributions } from './window.js';

export interface ReleaserSettings {
  config: ResolvedDpProcessorConfig;
  calibration: WindowCalibration;
  publicValues: PublicValues;
  /** Most public series (`maxSeries`). */
  maxPublicSeries: number;
  random: RandomSource;
  sample: NoiseSampler;
}

/** One closed window's release, before it is booked and sent. */
export interface WindowReleased {
  window: WindowContributions;
  finals: FinalValue[];
  /** New series held back by partition selection: exact, for local diagnostics only. */
  suppressed: number;
}

/**
 * Turns closed windows into DP releases: owns the calibration, the noise and
 * the public series every window releases (see `release.ts`), and writes what
 * each release exports. Whether a window may be released at all (the budget)
 * is for the caller to decide, before {@link release}.
 */
export class Releaser {
  private readonly publicSeries = new Map<string, PublicSeries>();
  private readonly output: OutputSettings;

  constructor(private readonly settings: ReleaserSettings) {
    const { config } = settings;
    this.output = {
      temporality: config.outputTemporality,
      projection: config.counterProjection,
      stdErr: config.exportStdErr,
    };
  }

  get calibration(): WindowCalibration {
    return this.settings.calibration;
  }

  /** Bounds, selects and noises the window, and post-processes what it releases; updates the public series. */
  release(window: WindowContributions): WindowReleased {
    const { config, calibration, publicValues, maxPublicSeries, random, sample } = this.settings;
    const { released, suppressed } = releaseWindow({
      window,
      publicSeries: this.publicSeries,
      publicValues,
      calibration,
      undeclaredSeries: config.undeclaredSeries,
      maxSeriesPerToken: config.maxSeriesPerToken,
      maxPublicSeries,
      random,
      sample,
    });
    return { window, finals: finalValues(released, this.output.temporality, this.output.projection), suppressed };
  }

  /** The batch a release exports, with its summary for readable exporters. */
  batch(release: WindowReleased, budget: BudgetStatus, waiting: { metric: string; series: number }[]): ExportBatch {
    const { window, finals, suppressed } = release;
    const summary = windowSummary({ window, finals, suppressed, config: this.settings.config, budget });
    summary.waiting = waiting;
    const selection = this.selectionRequirement();
    if (selection !== undefined) summary.selection = selection;
    return { request: buildReleaseRequest(finals, window, this.output), summary };
  }

  /** The selection threshold and its noise, as `otel-dp plan` states them; undefined when undeclared series are dropped. */
  selectionRequirement(): { threshold: number; stdDev: number } | undefined {
    if (this.settings.config.undeclaredSeries !== 'select') return undefined;
    const { calibration } = this.settings;
    return { threshold: calibration.selectionThreshold, stdDev: Math.sqrt(calibration.noise.variance(calibration.selectionScale)) };
  }

  /** Series of the window that are still not public after its release, counted per metric name, for local diagnostics. */
  waitingByMetric(window: WindowContributions): { metric: string; series: number }[] {
    const counts = new Map<string, number>();
    for (const descriptor of window.series) {
      if (this.publicSeries.has(descriptor.key)) continue;
      const name = descriptor.metric.name;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return [...counts].map(([metric, series]) => ({ metric, series })).sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
  }
}
