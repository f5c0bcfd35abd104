import { DEFAULT_ADMIN_LISTEN, DEFAULT_SELF_TELEMETRY_INTERVAL_MILLIS, formatListenAddress } from '@otel-dp/admin';
import { formatDuration } from '../duration.js';
import type { FlagDefinition } from './flag-definition.js';

export const ADMIN_LISTEN: FlagDefinition = {
  name: 'admin-listen',
  group: 'Admin',
  value: 'HOST:PORT|off',
  description:
    'Admin endpoint: GET /healthz, /readyz (ready once every listener is up, not while shutting down), /metrics (Prometheus text) and / (status page). ' +
    'Its counters are exact sums over all tokens, not privatized: keep it on loopback. Port 0 picks a free port.',
  default: formatListenAddress(DEFAULT_ADMIN_LISTEN),
};

export const SELF_TELEMETRY_ENDPOINT: FlagDefinition = {
  name: 'self-telemetry-endpoint',
  group: 'Admin',
  value: 'URL',
  description:
    'Also push the admin endpoint\'s counters over OTLP/HTTP to this URL (/v1/metrics added when it has no path). ' +
    'These counters are exact and NOT privatized: sending them next to the analytics data undoes the privacy of the released metrics.',
  defaultNote: 'none: the counters stay on the admin endpoint',
};

export const SELF_TELEMETRY_INTERVAL: FlagDefinition = {
  name: 'self-telemetry-interval',
  group: 'Admin',
  value: 'DURATION',
  description: 'How often --self-telemetry-endpoint receives the counters; at least 100ms.',
  default: formatDuration(DEFAULT_SELF_TELEMETRY_INTERVAL_MILLIS),
};
