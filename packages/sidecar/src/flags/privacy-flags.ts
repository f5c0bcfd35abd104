import {
  DEFAULT_BUDGET_HORIZON_MILLIS,
  DEFAULT_CLIP,
  DEFAULT_CLIP_COUNT,
  DEFAULT_DP_CONFIG,
  DEFAULT_EXPONENTIAL_BUCKETS,
  DEFAULT_EXPONENTIAL_SCALE,
  DEFAULT_MAX_SERIES,
  DEFAULT_MAX_WINDOW_BYTES,
  DEFAULT_MAX_TOKENS,
} from '@otel-dp/processor-dp';
import { formatDuration } from '../duration.js';
import {
  BOOLEANS,
  COUNTER_PROJECTIONS,
  MECHANISMS,
  OUTPUT_TEMPORALITIES,
  UNDECLARED_SERIES_POLICIES,
  UNTOKENED_POLICIES,
  type FlagDefinition,
} from './flag-definition.js';

export const WINDOW: FlagDefinition = {
  name: 'window',
  group: 'Privacy',
  value: 'DURATION',
  description: 'Length of a release window (500ms, 10s, 1m, 1h30m), aligned to the wall clock; at least 100ms.',
  default: formatDuration(DEFAULT_DP_CONFIG.windowMillis),
};

export const EPSILON: FlagDefinition = {
  name: 'epsilon',
  group: 'Privacy',
  value: 'NUMBER',
  description: 'ε spent by each window\'s whole release, per token. Smaller is more private and noisier.',
  default: String(DEFAULT_DP_CONFIG.epsilon),
};

export const DELTA: FlagDefinition = {
  name: 'delta',
  group: 'Privacy',
  value: 'NUMBER',
  description: 'δ spent by each window\'s release (partition selection, and the Gaussian mechanism); between 0 and 1.',
  default: String(DEFAULT_DP_CONFIG.delta),
};

export const MECHANISM: FlagDefinition = {
  name: 'mechanism',
  group: 'Privacy',
  value: MECHANISMS.join('|'),
  description: 'Noise added to released values: discrete Gaussian or discrete Laplace.',
  default: DEFAULT_DP_CONFIG.mechanism,
};

export const MAX_SERIES_PER_TOKEN: FlagDefinition = {
  name: 'max-series-per-token',
  group: 'Privacy',
  value: 'N',
  description:
    'Most series one token contributes to per window, in units: a sum or a sum-gauge costs 1, a histogram or a mean-gauge 2 (so they need at least 2); beyond it a random subset is kept. At least 1.',
  default: String(DEFAULT_DP_CONFIG.maxSeriesPerToken),
};

export const CLIP: FlagDefinition = {
  name: 'clip',
  group: 'Privacy',
  value: 'GLOB=LO:HI',
  description: 'Bounds of one token\'s contribution per series and window, for metrics whose name matches GLOB (`*` any run, `?` one character). Repeatable; the first match wins.',
  defaultNote: `${DEFAULT_CLIP.lower}:${DEFAULT_CLIP.upper} for every metric`,
  repeatable: true,
};

export const TOKEN_ATTRIBUTE: FlagDefinition = {
  name: 'token-attribute',
  group: 'Privacy',
  value: 'NAME',
  description: 'Attribute that carries the API token, looked up on the data point, then the scope, then the resource.',
  default: DEFAULT_DP_CONFIG.tokenAttribute,
};

export const UNTOKENED: FlagDefinition = {
  name: 'untokened',
  group: 'Privacy',
  value: UNTOKENED_POLICIES.join('|'),
  description: 'Data points without a token: drop them (and report them rejected), or pass them on untouched.',
  default: DEFAULT_DP_CONFIG.untokened,
};

export const OUTPUT_TEMPORALITY: FlagDefinition = {
  name: 'output-temporality',
  group: 'Privacy',
  value: OUTPUT_TEMPORALITIES.join('|'),
  description:
    'Released sums and histograms as running totals of the per-window releases (cumulative) or as their per-window differences (delta); summed deltas equal the cumulative values.',
  default: DEFAULT_DP_CONFIG.outputTemporality,
};

export const COUNTER_PROJECTION: FlagDefinition = {
  name: 'counter-projection',
  group: 'Privacy',
  value: COUNTER_PROJECTIONS.join('|'),
  description:
    'monotone: released counters and histogram counts never decrease (what Prometheus rate() needs), trailing the truth by about half a standard deviation while traffic flows. ' +
    'none: unbiased running totals that noise can lower; monotonic sums are then written as non-monotonic (Prometheus gauges: query them with delta() or deriv()).',
  default: 'monotone',
};

export const UNDECLARED_SERIES: FlagDefinition = {
  name: 'undeclared-series',
  group: 'Privacy',
  value: UNDECLARED_SERIES_POLICIES.join('|'),
  description:
    'Series not made only of --public-attribute values: select them by noisy distinct-token count (half of each window\'s budget goes to that), or drop them and give the whole budget to values.',
  default: 'select',
};

export const EXPORT_STDERR: FlagDefinition = {
  name: 'export-stderr',
  group: 'Privacy',
  value: BOOLEANS.join('|'),
  description:
    'Write beside each released series a gauge <metric>.dp.stderr with the standard error of its value (a histogram: of its count), computed from configuration and released values only, for error bands.',
  default: 'false',
};

export const CLIP_COUNT: FlagDefinition = {
  name: 'clip-count',
  group: 'Privacy',
  value: 'GLOB=N',
  description: 'Most measurements one token adds to a histogram series per window, for metrics whose name matches GLOB. Repeatable; the first match wins.',
  defaultNote: `${DEFAULT_CLIP_COUNT} for every histogram`,
  repeatable: true,
};

export const GAUGE_AGGREGATION: FlagDefinition = {
  name: 'gauge-aggregation',
  group: 'Privacy',
  value: 'GLOB=mean|sum',
  description: 'How gauges whose name matches GLOB are released: a noisy mean over tokens, or a noisy sum. Repeatable; the first match wins.',
  defaultNote: 'mean for every gauge',
  repeatable: true,
};

export const PUBLIC_ATTRIBUTE: FlagDefinition = {
  name: 'public-attribute',
  group: 'Privacy',
  value: 'KEY=V1,V2',
  description:
    'Point attribute values known to everyone (routes, regions): a series whose every point attribute has a declared value skips partition selection. ' +
    'Resource, scope and metric identity are public by design and need no declaring; a metric whose scope, schema URL, name, description or unit looks like a credential is refused, and a point whose series strings contain its own token is refused. ' +
    'Repeatable; in the variable, entries are separated by `;`.',
  repeatable: true,
  envSeparator: ';',
};

export const DROP_ATTRIBUTE: FlagDefinition = {
  name: 'drop-attribute',
  group: 'Privacy',
  value: 'NAME',
  description: 'Attribute always removed before release. Repeatable.',
  repeatable: true,
};

export const KEEP_ATTRIBUTES: FlagDefinition = {
  name: 'keep-attributes',
  group: 'Privacy',
  value: 'NAME,NAME',
  description: 'When given, the only attributes released (the token is always removed). Repeatable.',
  defaultNote: 'all but dropped ones',
  repeatable: true,
};

export const EXP_HISTOGRAM_SCALE: FlagDefinition = {
  name: 'exp-histogram-scale',
  group: 'Privacy',
  value: 'N',
  description: 'Scale at which exponential histograms are released, from -10 to 20.',
  default: String(DEFAULT_EXPONENTIAL_SCALE),
};

export const EXP_HISTOGRAM_BUCKETS: FlagDefinition = {
  name: 'exp-histogram-buckets',
  group: 'Privacy',
  value: 'N',
  description: 'Buckets per sign of a released exponential histogram, from 1 to 1000.',
  default: String(DEFAULT_EXPONENTIAL_BUCKETS),
};

export const MAX_TOKENS: FlagDefinition = {
  name: 'max-tokens',
  group: 'Privacy',
  value: 'N',
  description: 'Distinct tokens one window holds; past it, data is refused with a retryable answer.',
  default: String(DEFAULT_MAX_TOKENS),
};

export const MAX_SERIES: FlagDefinition = {
  name: 'max-series',
  group: 'Privacy',
  value: 'N',
  description: 'Distinct series one window holds, and public series kept across windows.',
  default: String(DEFAULT_MAX_SERIES),
};

export const MAX_WINDOW_BYTES: FlagDefinition = {
  name: 'max-window-bytes',
  group: 'Privacy',
  value: 'BYTES',
  description:
    'Bytes the open window holds, each (token, series) entry counted at its kind\'s width (8 bytes a value: 1 for a sum, 2 for a gauge, buckets + 1 for a histogram, released buckets + 2 for an exponential histogram) plus tokens and series keys; past it, data is refused with a retryable answer. Cumulative baselines are held to the same size. At least 65536.',
  default: String(DEFAULT_MAX_WINDOW_BYTES),
};

export const BUDGET_HORIZON: FlagDefinition = {
  name: 'budget-horizon',
  group: 'Privacy',
  value: 'DURATION',
  description: 'Interval over which the privacy accountant adds up what windows spend; at least one window.',
  default: formatDuration(DEFAULT_BUDGET_HORIZON_MILLIS),
};

export const MAX_EPSILON_HORIZON: FlagDefinition = {
  name: 'max-epsilon-horizon',
  group: 'Privacy',
  value: 'NUMBER',
  description: 'Cap on the ε spent over the horizon: a window that would pass it is withheld. Needs --state-dir.',
  defaultNote: 'no cap',
};

export const STATE_DIR: FlagDefinition = {
  name: 'state-dir',
  group: 'Privacy',
  value: 'PATH',
  description: 'Directory where the privacy ledger persists across restarts; one process per directory.',
  defaultNote: 'none: the ledger lives in memory',
};

export const START_FRESH_BUDGET: FlagDefinition = {
  name: 'start-fresh-budget',
  group: 'Privacy',
  value: 'yes|no',
  description:
    'yes: a --state-dir that holds other files but no ledger and no otel-dp marker starts an empty ledger. ' +
    'An empty or new directory starts one without it (logged); a directory otel-dp used whose ledger is gone is refused either way.',
  defaultNote: 'no: such a directory is refused',
};
