import * as exporter from './flags/exporter-flags.js';
import type { FlagDefinition } from './flags/flag-definition.js';
import * as privacy from './flags/privacy-flags.js';
import * as receiver from './flags/receiver-flags.js';

/**
 * The flags of `otel-dp run` and `otel-dp demo`, as data: the parser, the
 * `--help` text and the README tables are all generated from these lists, so
 * they cannot disagree. Defaults come from the components' own constants.
 */

export {
  COMPRESSIONS,
  ENV_PREFIX,
  EXPORTER_KINDS,
  MECHANISMS,
  OTLP_PROTOCOL_NAMES,
  OUTPUT_TEMPORALITIES,
  UNTOKENED_POLICIES,
  envVarName,
  type FlagDefinition,
  type FlagGroup,
} from './flags/flag-definition.js';

/** Flags of `otel-dp run`, in help order. */
export const RUN_FLAGS: readonly FlagDefinition[] = [
  receiver.HTTP_LISTEN,
  receiver.GRPC_LISTEN,
  receiver.MAX_REQUEST_BYTES,
  receiver.MAX_GZIP_RATIO,
  receiver.MAX_ATTRIBUTES_PER_POINT,
  receiver.MAX_ATTRIBUTE_VALUE_LENGTH,
  receiver.TLS_CERT,
  receiver.TLS_KEY,
  receiver.TLS_CLIENT_CA,
  privacy.WINDOW,
  privacy.EPSILON,
  privacy.DELTA,
  privacy.MECHANISM,
  privacy.MAX_SERIES_PER_TOKEN,
  privacy.CLIP,
  privacy.TOKEN_ATTRIBUTE,
  privacy.UNTOKENED,
  privacy.OUTPUT_TEMPORALITY,
  privacy.CLIP_COUNT,
  privacy.GAUGE_AGGREGATION,
  privacy.PUBLIC_ATTRIBUTE,
  privacy.DROP_ATTRIBUTE,
  privacy.KEEP_ATTRIBUTES,
  privacy.EXP_HISTOGRAM_SCALE,
  privacy.EXP_HISTOGRAM_BUCKETS,
  privacy.MAX_TOKENS,
  privacy.MAX_SERIES,
  privacy.BUDGET_HORIZON,
  privacy.MAX_EPSILON_HORIZON,
  privacy.STATE_DIR,
  exporter.EXPORTER,
  exporter.OTLP_ENDPOINT,
  exporter.OTLP_PROTOCOL,
  exporter.OTLP_HEADER,
  exporter.OTLP_COMPRESSION,
  exporter.OTLP_TIMEOUT,
  exporter.LOG_LEVEL,
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
  { ...exporter.LOG_LEVEL, default: 'warn' },
];

/** Every flag name of every command: an OTEL_DP_* variable that matches none of them is a typo. */
export const ALL_FLAG_NAMES: ReadonlySet<string> = new Set([...RUN_FLAGS, ...DEMO_FLAGS].map((flag) => flag.name));
