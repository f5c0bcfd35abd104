import type { FlagDefinition } from './flag-definition.js';

/** Flags of the commands that run without a network: `simulate` and `plan`. */

export const INPUT: FlagDefinition = {
  name: 'input',
  group: 'Input',
  value: 'FILE',
  description:
    'Recorded OTLP/JSON ExportMetricsServiceRequest and ExportTraceServiceRequest objects, one per line, in any mix (the collector file exporter\'s format; blank lines skipped). ' +
    'Each point goes to the window its timestamp falls in; each span becomes span metrics, as run makes them, in the window its end time falls in.',
};

export const PLAN_INPUT: FlagDefinition = {
  name: 'input',
  group: 'Input',
  value: 'FILE',
  description:
    'Recorded OTLP/JSON metric and trace requests, one per line, as for simulate: the plan then lists each metric they hold (span metrics made from their spans included) with the clip rule that bounds it and its distinct tokens.',
  defaultNote: 'none: no input table',
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
