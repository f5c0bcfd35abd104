import { DEFAULT_CLIP, DEFAULT_DP_CONFIG } from '@otel-dp/processor-dp';
import { DEFAULT_RECEIVER_CONFIG, formatListenAddress, type ListenAddress } from '@otel-dp/receiver-otlp';
import { formatDuration } from './duration.js';
import { LOG_LEVELS } from './logger.js';

/**
 * The flags of `otel-dp run` and `otel-dp demo`, as data: the parser, the
 * `--help` text and the README table are all generated from these lists, so
 * they cannot disagree. Defaults come from the components' own constants.
 */

export type FlagGroup = 'Receiver' | 'Privacy' | 'Exporter' | 'Demo' | 'General';

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
  /** May be given more than once; the environment variable holds a comma-separated list. */
  readonly repeatable?: boolean;
  /** OpenTelemetry's standard variables, read in this order when neither the flag nor OTEL_DP_* is set. */
  readonly standardEnv?: readonly string[];
}

export const MECHANISMS = ['laplace', 'gaussian'] as const;
export const UNTOKENED_POLICIES = ['drop', 'pass'] as const;
export const OUTPUT_TEMPORALITIES = ['cumulative', 'delta'] as const;
export const EXPORTER_KINDS = ['otlp', 'debug'] as const;
export const OTLP_PROTOCOL_NAMES = ['grpc', 'http/protobuf', 'http/json'] as const;
export const COMPRESSIONS = ['gzip', 'none'] as const;

/** The prefix of every flag's environment variable: `--max-series-per-token` is OTEL_DP_MAX_SERIES_PER_TOKEN. */
export const ENV_PREFIX = 'OTEL_DP_';

/** `--epsilon` → `OTEL_DP_EPSILON`. */
export function envVarName(flagName: string): string {
  return ENV_PREFIX + flagName.toUpperCase().replace(/-/g, '_');
}

function listenText(listen: ListenAddress | 'off'): string {
  return listen === 'off' ? 'off' : formatListenAddress(listen);
}

const HTTP_LISTEN: FlagDefinition = {
  name: 'http-listen',
  group: 'Receiver',
  value: 'HOST:PORT|off',
  description: 'OTLP/HTTP listener (POST /v1/metrics, protobuf or JSON). Port 0 picks a free port; `:PORT` listens on every interface.',
  default: listenText(DEFAULT_RECEIVER_CONFIG.httpListen),
};

const GRPC_LISTEN: FlagDefinition = {
  name: 'grpc-listen',
  group: 'Receiver',
  value: 'HOST:PORT|off',
  description: 'OTLP/gRPC listener (MetricsService/Export). Port 0 picks a free port; `:PORT` listens on every interface.',
  default: listenText(DEFAULT_RECEIVER_CONFIG.grpcListen),
};

const MAX_REQUEST_BYTES: FlagDefinition = {
  name: 'max-request-bytes',
  group: 'Receiver',
  value: 'BYTES',
  description: 'Largest request accepted, measured after decompression; larger ones get HTTP 413 or gRPC RESOURCE_EXHAUSTED.',
  default: String(DEFAULT_RECEIVER_CONFIG.maxRequestBytes),
};

const WINDOW: FlagDefinition = {
  name: 'window',
  group: 'Privacy',
  value: 'DURATION',
  description: 'Length of a release window (500ms, 10s, 1m, 1h30m), aligned to the wall clock; at least 100ms.',
  default: formatDuration(DEFAULT_DP_CONFIG.windowMillis),
};

const EPSILON: FlagDefinition = {
  name: 'epsilon',
  group: 'Privacy',
  value: 'NUMBER',
  description: 'ε spent by each window\'s whole release, per token. Smaller is more private and noisier.',
  default: String(DEFAULT_DP_CONFIG.epsilon),
};

const DELTA: FlagDefinition = {
  name: 'delta',
  group: 'Privacy',
  value: 'NUMBER',
  description: 'δ spent by each window\'s release (partition selection, and the Gaussian mechanism); between 0 and 1.',
  default: String(DEFAULT_DP_CONFIG.delta),
};

const MECHANISM: FlagDefinition = {
  name: 'mechanism',
  group: 'Privacy',
  value: MECHANISMS.join('|'),
  description: 'Noise added to released values: discrete Gaussian or discrete Laplace.',
  default: DEFAULT_DP_CONFIG.mechanism,
};

const MAX_SERIES_PER_TOKEN: FlagDefinition = {
  name: 'max-series-per-token',
  group: 'Privacy',
  value: 'N',
  description: 'Most series one token contributes to per window; beyond it a random subset is kept. At least 1.',
  default: String(DEFAULT_DP_CONFIG.maxSeriesPerToken),
};

const CLIP: FlagDefinition = {
  name: 'clip',
  group: 'Privacy',
  value: 'GLOB=LO:HI',
  description: 'Bounds of one token\'s contribution per series and window, for metrics whose name matches GLOB (`*` any run, `?` one character). Repeatable; the first match wins.',
  defaultNote: `${DEFAULT_CLIP.lower}:${DEFAULT_CLIP.upper} for every metric`,
  repeatable: true,
};

const TOKEN_ATTRIBUTE: FlagDefinition = {
  name: 'token-attribute',
  group: 'Privacy',
  value: 'NAME',
  description: 'Attribute that carries the API token, looked up on the data point, then the scope, then the resource.',
  default: DEFAULT_DP_CONFIG.tokenAttribute,
};

const UNTOKENED: FlagDefinition = {
  name: 'untokened',
  group: 'Privacy',
  value: UNTOKENED_POLICIES.join('|'),
  description: 'Data points without a token: drop them (and report them rejected), or pass them on untouched.',
  default: DEFAULT_DP_CONFIG.untokened,
};

const OUTPUT_TEMPORALITY: FlagDefinition = {
  name: 'output-temporality',
  group: 'Privacy',
  value: OUTPUT_TEMPORALITIES.join('|'),
  description: 'Released sums and histograms as running totals (cumulative) or per-window deltas.',
  default: DEFAULT_DP_CONFIG.outputTemporality,
};

const EXPORTER: FlagDefinition = {
  name: 'exporter',
  group: 'Exporter',
  value: EXPORTER_KINDS.join('|'),
  description: 'Where released windows go: an OTLP backend, or a readable block per window on stdout.',
  defaultNote: 'otlp when an endpoint is set, else debug',
};

const OTLP_ENDPOINT: FlagDefinition = {
  name: 'otlp-endpoint',
  group: 'Exporter',
  value: 'URL',
  description: 'Backend URL. http/*: the exact POST URL; grpc: http://HOST:PORT or https://HOST:PORT.',
  defaultNote: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT as is, else OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/metrics for http)',
};

const OTLP_PROTOCOL: FlagDefinition = {
  name: 'otlp-protocol',
  group: 'Exporter',
  value: OTLP_PROTOCOL_NAMES.join('|'),
  description: 'OTLP transport and encoding.',
  default: 'http/protobuf',
  standardEnv: ['OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'],
};

const OTLP_HEADER: FlagDefinition = {
  name: 'otlp-header',
  group: 'Exporter',
  value: 'KEY=VALUE',
  description: 'Extra request header (gRPC metadata), added to OTEL_EXPORTER_OTLP_HEADERS; a flag wins for the same key. Repeatable. Values are never logged.',
  repeatable: true,
};

const OTLP_COMPRESSION: FlagDefinition = {
  name: 'otlp-compression',
  group: 'Exporter',
  value: COMPRESSIONS.join('|'),
  description: 'Compression of export request bodies.',
  default: 'gzip',
};

const OTLP_TIMEOUT: FlagDefinition = {
  name: 'otlp-timeout',
  group: 'Exporter',
  value: 'DURATION',
  description: 'Limit on one export attempt; 0s means no limit. Failed attempts are retried with backoff.',
  default: '10s',
};

const LOG_LEVEL: FlagDefinition = {
  name: 'log-level',
  group: 'General',
  value: LOG_LEVELS.join('|'),
  description: 'Least severe level written to stderr, as JSON lines. Tokens are never logged.',
  default: 'info',
};

/** Flags of `otel-dp run`, in help order. */
export const RUN_FLAGS: readonly FlagDefinition[] = [
  HTTP_LISTEN,
  GRPC_LISTEN,
  MAX_REQUEST_BYTES,
  WINDOW,
  EPSILON,
  DELTA,
  MECHANISM,
  MAX_SERIES_PER_TOKEN,
  CLIP,
  TOKEN_ATTRIBUTE,
  UNTOKENED,
  OUTPUT_TEMPORALITY,
  EXPORTER,
  OTLP_ENDPOINT,
  OTLP_PROTOCOL,
  OTLP_HEADER,
  OTLP_COMPRESSION,
  OTLP_TIMEOUT,
  LOG_LEVEL,
];

/** The demo's metric: what its synthetic application counts. */
export const DEMO_METRIC = 'http.server.requests';

/** Flags of `otel-dp demo`, in help order. */
export const DEMO_FLAGS: readonly FlagDefinition[] = [
  {
    name: 'duration',
    group: 'Demo',
    value: 'DURATION',
    description: 'How long the demo runs; Ctrl-C stops it earlier.',
    default: '30s',
  },
  {
    name: 'tokens',
    group: 'Demo',
    value: 'N',
    description: 'Number of API tokens the synthetic application serves, with skewed activity.',
    default: '300',
  },
  {
    name: 'rate',
    group: 'Demo',
    value: 'N',
    description: 'Requests per second the synthetic application records.',
    default: '500',
  },
  { ...WINDOW, default: '5s' },
  EPSILON,
  DELTA,
  MECHANISM,
  { ...MAX_SERIES_PER_TOKEN, default: '4' },
  { ...CLIP, defaultNote: undefined, default: `${DEMO_METRIC}=0:20` },
  { ...LOG_LEVEL, default: 'warn' },
];

/** Every flag name of every command: an OTEL_DP_* variable that matches none of them is a typo. */
export const ALL_FLAG_NAMES: ReadonlySet<string> = new Set([...RUN_FLAGS, ...DEMO_FLAGS].map((flag) => flag.name));
