import { NOISE_MECHANISM_NAMES } from '@otel-dp/processor-dp';

/**
 * The shape of a flag definition, and the fixed value sets flags choose from.
 * The definitions themselves are in the files next to this one, by group.
 */

export type FlagGroup = 'Input' | 'Receiver' | 'Privacy' | 'Traces' | 'Exporter' | 'Admin' | 'Demo' | 'General';

export interface FlagDefinition {
  /** Long name without dashes, e.g. `max-series-per-token`. */
  readonly name: string;
  readonly group: FlagGroup;
  /** Placeholder for the value in help and docs, e.g. `HOST:PORT|off`. */
  readonly value: string;
  readonly description: string;
  /** Used, and parsed like user input, when neither the flag nor its variable is set. */
  readonly default?: string;
  /** Shown instead of `default` when the default depends on other settings. */
  readonly defaultNote?: string;
  /** May be given more than once; the environment variable holds a list. */
  readonly repeatable?: boolean;
  /** What separates the values of a repeatable flag in its variable. Default `,`. */
  readonly envSeparator?: string;
  /** OpenTelemetry's standard variables, read in this order when neither the flag nor OTEL_DP_* is set. */
  readonly standardEnv?: readonly string[];
}

/** The processor's registry, so that a mechanism registered there is a choice of `--mechanism` with no edit here. */
export const MECHANISMS = NOISE_MECHANISM_NAMES;
export const UNTOKENED_POLICIES = ['drop', 'pass'] as const;
export const OUTPUT_TEMPORALITIES = ['cumulative', 'delta'] as const;
export const COUNTER_PROJECTIONS = ['monotone', 'none'] as const;
export const UNDECLARED_SERIES_POLICIES = ['select', 'drop'] as const;
export const BOOLEANS = ['true', 'false'] as const;
export const EXPORTER_KINDS = ['otlp', 'debug', 'prometheus-remote-write'] as const;
export const OTLP_PROTOCOL_NAMES = ['grpc', 'http/protobuf', 'http/json'] as const;
export const COMPRESSIONS = ['gzip', 'none'] as const;
export const SPAN_DURATION_HISTOGRAMS = ['explicit', 'exponential'] as const;

/** The prefix of every flag's environment variable: `--max-series-per-token` is OTEL_DP_MAX_SERIES_PER_TOKEN. */
export const ENV_PREFIX = 'OTEL_DP_';

/** `--epsilon` → `OTEL_DP_EPSILON`. */
export function envVarName(flagName: string): string {
  return ENV_PREFIX + flagName.toUpperCase().replace(/-/g, '_');
}
