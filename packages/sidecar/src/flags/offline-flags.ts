import type { FlagDefinition } from './flag-definition.js';

/** Flags of the commands that run without a network: `simulate` and `plan`. */

export const INPUT: FlagDefinition = {
  name: 'input',
  group: 'Input',
  value: 'FILE',
  description:
    'Recorded OTLP/JSON ExportMetricsServiceRequest objects, one per line (the collector file exporter\'s format; blank lines skipped). ' +
    'Each point goes to the window its timestamp falls in.',
};

export const RUNS: FlagDefinition = {
  name: 'runs',
  group: 'Input',
  value: 'N',
  description: 'Independent releases of the whole input, each with fresh noise and budget; every window of every run is printed.',
  default: '1',
};

export const PLAN_TOKENS: FlagDefinition = {
  name: 'tokens',
  group: 'Input',
  value: 'N',
  description: 'Tokens contributing to each series, for the relative error and the chance that a new series is released.',
  default: '100',
};
