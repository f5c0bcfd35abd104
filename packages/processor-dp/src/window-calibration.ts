import { DpConfigError, fieldName, SELECTION_BUDGET_SHARE, type DpProcessorConfig, type NoiseMechanismName, type SettingName } from './config.js';
import { NoiseParameterError } from './noise/index.js';
import { noiseMechanism } from './noise/mechanisms.js';
import type { MechanismSpend, NoiseMechanism } from './noise/noise-mechanism.js';

/**
 * How one window's budget is spent, derived from configuration only.
 *
 * Sensitivity: a token spends at most k units per window (a series costs the
 * units its kind needs, see `kinds/`), adds 1 to each touched
 * series' distinct-token count, and moves each component by at most its
 * bound. Dividing each component by its bound, one token moves the value
 * vector by at most k in L1 and √k in L2; the count vector likewise.
 *
 * - Gaussian: the window is ρ-zCDP with ρ the largest that implies
 *   (ε, δ/2)-DP; selection gets ρ·s and values ρ·(1−s) (s = share), so
 *   σ_value = √k·C/√(2ρ(1−s)) and σ_count = √k/√(2ρs). The other δ/2 bounds
 *   the chance that a series only one token created passes the threshold.
 * - Laplace: values get ε(1−s), b_value = k·C/(ε(1−s)); counts get εs,
 *   b_count = k/(εs); δ bounds the selection as above.
 *
 * Series already released are public and skip selection; their values still
 * get the value noise. Composition of the two parts gives (ε, δ) per window.
 *
 * When `undeclaredSeries` is `drop` only declared series are ever released,
 * all at once (see `public-partitions.ts`), so no window needs selection and
 * the whole budget goes to values: Gaussian ρ is the largest implying (ε, δ),
 * Laplace values get all of ε and spend no δ.
 */
export interface WindowCalibration {
  mechanism: NoiseMechanismName;
  /** The mechanism of that name: scales, variances, samplers and thresholds of its noise. */
  noise: NoiseMechanism;
  /** Noise scale (σ or b) per unit of value bound. */
  valueScalePerUnit: number;
  /** Noise scale (σ or b) of the distinct-token count used for selection. */
  selectionScale: number;
  /** A new series is released when its noisy distinct-token count reaches this. */
  selectionThreshold: number;
  /** What one window spends, for the accountant: zCDP ρ (Gaussian) or pure ε (Laplace), plus the selection δ. */
  spend: MechanismSpend;
}

/**
 * The calibration for these settings. Settings whose noise the samplers
 * cannot draw (an ε so small that the selection noise passes their range, a
 * δ too small to bound a tail) are refused naming the settings.
 */
export function calibrateWindow(config: DpProcessorConfig, settingName: SettingName = fieldName): WindowCalibration {
  try {
    return calibrate(config);
  } catch (error) {
    if (!(error instanceof NoiseParameterError)) throw error;
    throw new DpConfigError(
      'epsilon',
      `${settingName('epsilon')} ${config.epsilon}, ${settingName('delta')} ${config.delta} and ${settingName('maxSeriesPerToken')} ${config.maxSeriesPerToken} ask for noise the samplers cannot draw (${error.message}); raise epsilon or delta`,
    );
  }
}

function calibrate(config: DpProcessorConfig): WindowCalibration {
  const k = config.maxSeriesPerToken;
  const noise = noiseMechanism(config.mechanism);
  const selecting = config.undeclaredSeries !== 'drop';
  const budget = noise.budget(config.epsilon, config.delta, selecting);
  const spend = noise.spend(budget);
  if (!selecting) return { mechanism: config.mechanism, noise, valueScalePerUnit: noise.scale(k, budget.amount), selectionScale: 0, selectionThreshold: Infinity, spend };
  const share = SELECTION_BUDGET_SHARE;
  const selectionScale = noise.scale(k, budget.amount * share);
  return {
    mechanism: config.mechanism,
    noise,
    valueScalePerUnit: noise.scale(k, budget.amount * (1 - share)),
    selectionScale,
    selectionThreshold: noise.selectionThreshold({ noiseScale: selectionScale, maxPartitionsPerToken: k, delta: budget.selectionDelta }),
    spend,
  };
}
