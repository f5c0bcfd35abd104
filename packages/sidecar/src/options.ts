import * as admin from './flags/admin-flags.js';
import * as delivery from './flags/delivery-flags.js';
import * as exporter from './flags/exporter-flags.js';
import type { FlagDefinition } from './flags/flag-definition.js';
import * as general from './flags/general-flags.js';
import * as offline from './flags/offline-flags.js';
import * as privacy from './flags/privacy-flags.js';
import * as receiver from './flags/receiver-flags.js';
import * as traces from './flags/trace-flags.js';

/**
 * The flags of every command, as data: the parser, the `--help` text and the
 * README tables are all generated from these lists, so they cannot disagree.
 * Defaults come from the components' own constants.
 */

export {
  COMPRESSIONS,
  ENV_PREFIX,
  EXPORTER_KINDS,
  MECHANISMS,
  OTLP_PROTOCOL_NAMES,
  BOOLEANS,
  COUNTER_PROJECTIONS,
  OUTPUT_TEMPORALITIES,
  SPAN_DURATION_HISTOGRAMS,
  UNDECLARED_SERIES_POLICIES,
  UNTOKENED_POLICIES,
  envVarName,
  type FlagDefinition,
  type FlagGroup,
} from './flags/flag-definition.js';

/**
 * The flags that decide what a window releases and how it is calibrated:
 * `run`, `simulate` and `plan` share them, so an offline answer holds for
 * the same flags given to `run`.
 */
export const RELEASE_FLAGS: readonly FlagDefinition[] = [
  privacy.WINDOW,
  privacy.EPSILON,
  privacy.DELTA,
  privacy.MECHANISM,
  privacy.MAX_SERIES_PER_TOKEN,
  privacy.CLIP,
  privacy.TOKEN_ATTRIBUTE,
  privacy.UNTOKENED,
  privacy.OUTPUT_TEMPORALITY,
  privacy.COUNTER_PROJECTION,
  privacy.UNDECLARED_SERIES,
  privacy.EXPORT_STDERR,
  privacy.CLIP_COUNT,
  privacy.GAUGE_AGGREGATION,
  privacy.PUBLIC_ATTRIBUTE,
  privacy.DROP_ATTRIBUTE,
  privacy.KEEP_ATTRIBUTES,
  privacy.EXP_HISTOGRAM_SCALE,
  privacy.EXP_HISTOGRAM_BUCKETS,
  privacy.MAX_TOKENS,
  privacy.MAX_SERIES,
  privacy.MAX_WINDOW_BYTES,
  privacy.BUDGET_HORIZON,
  traces.SPAN_DIMENSION,
  traces.SPAN_KINDS,
  traces.SPAN_DURATION_HISTOGRAM,
];

/**
 * The budget ledger of a running sidecar. Offline commands leave them out:
 * each simulated run is a release of its own, with a fresh budget.
 */
const LEDGER_FLAGS: readonly FlagDefinition[] = [privacy.MAX_EPSILON_HORIZON, privacy.STATE_DIR, privacy.START_FRESH_BUDGET];

/** Flags of `otel-dp run`, in help order. */
export const RUN_FLAGS: readonly FlagDefinition[] = [
  receiver.HTTP_LISTEN,
  receiver.GRPC_LISTEN,
  receiver.MAX_REQUEST_BYTES,
  receiver.MAX_GZIP_RATIO,
  receiver.MAX_INFLIGHT_BYTES,
  receiver.MAX_CONNECTIONS,
  receiver.GRPC_MAX_CONCURRENT_STREAMS,
  receiver.GRPC_MAX_CONNECTION_IDLE,
  receiver.GRPC_KEEPALIVE_TIME,
  receiver.GRPC_KEEPALIVE_TIMEOUT,
  receiver.GRPC_KEEPALIVE_MIN_TIME,
  receiver.MAX_ATTRIBUTES_PER_POINT,
  receiver.MAX_ATTRIBUTE_VALUE_LENGTH,
  receiver.MAX_MESSAGES_PER_REQUEST,
  receiver.TLS_CERT,
  receiver.TLS_KEY,
  receiver.TLS_CLIENT_CA,
  ...RELEASE_FLAGS,
  ...LEDGER_FLAGS,
  exporter.EXPORTER,
  exporter.OTLP_ENDPOINT,
  exporter.OTLP_PROTOCOL,
  exporter.OTLP_HEADER,
  exporter.OTLP_COMPRESSION,
  exporter.OTLP_TIMEOUT,
  exporter.REMOTE_WRITE_URL,
  exporter.REMOTE_WRITE_HEADER,
  delivery.EXPORTER_QUEUE_SIZE,
  delivery.EXPORTER_QUEUE_DIR,
  delivery.RETRY_INITIAL_INTERVAL,
  delivery.RETRY_MAX_INTERVAL,
  delivery.RETRY_MAX_ELAPSED,
  admin.ADMIN_LISTEN,
  admin.SELF_TELEMETRY_ENDPOINT,
  admin.SELF_TELEMETRY_INTERVAL,
  general.LOG_LEVEL,
  general.LOG_FORMAT,
  general.CONFIG,
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
    default: '1000',
  },
  { ...privacy.WINDOW, default: '5s' },
  privacy.EPSILON,
  privacy.DELTA,
  privacy.MECHANISM,
  { ...privacy.MAX_SERIES_PER_TOKEN, default: '4' },
  { ...privacy.CLIP, defaultNote: undefined, default: `${DEMO_METRIC}=0:20` },
  { ...general.LOG_LEVEL, default: 'warn' },
  general.LOG_FORMAT,
];

/** Flags of `otel-dp simulate`, in help order. */
export const SIMULATE_FLAGS: readonly FlagDefinition[] = [offline.INPUT, offline.RUNS, ...RELEASE_FLAGS];

/** Release flags that change what `otel-dp plan` computes: the noise, the selection threshold, the horizon, and the span metrics of `--input`. */
const PLANNED = new Set([
  'window',
  'epsilon',
  'delta',
  'mechanism',
  'max-series-per-token',
  'clip',
  'clip-count',
  'counter-projection',
  'undeclared-series',
  'budget-horizon',
  // What the spans of --input become.
  'span-dimension',
  'span-kinds',
  'span-duration-histogram',
]);

/** Flags of `otel-dp plan`, in help order. */
export const PLAN_FLAGS: readonly FlagDefinition[] = [offline.PLAN_TOKENS, offline.PLAN_INPUT, ...RELEASE_FLAGS.filter((flag) => PLANNED.has(flag.name))];

/**
 * Release flags of `run` that leave the plan unchanged: `plan` accepts them,
 * so a deployment's flags can be pasted as they are, but its help does not
 * list them.
 */
export const PLAN_IGNORED_FLAGS: readonly FlagDefinition[] = RELEASE_FLAGS.filter((flag) => !PLANNED.has(flag.name));

/** Every flag name of every command: an OTEL_DP_* variable that matches none of them is a typo. */
export const ALL_FLAG_NAMES: ReadonlySet<string> = new Set(
  [...RUN_FLAGS, ...DEMO_FLAGS, ...SIMULATE_FLAGS, ...PLAN_FLAGS, ...PLAN_IGNORED_FLAGS].map((flag) => flag.name),
);
