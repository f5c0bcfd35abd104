import { DEFAULT_QUEUE_SIZE, DEFAULT_RETRY } from '@otel-dp/exporter-helper';
import { formatDuration } from '../duration.js';
import type { FlagDefinition } from './flag-definition.js';

export const EXPORTER_QUEUE_SIZE: FlagDefinition = {
  name: 'exporter-queue-size',
  group: 'Exporter',
  value: 'N',
  description: 'Windows each exporter\'s queue holds while its backend is slow or down; a full queue drops the new window (logged and counted). At least 1.',
  default: String(DEFAULT_QUEUE_SIZE),
};

export const EXPORTER_QUEUE_DIR: FlagDefinition = {
  name: 'exporter-queue-dir',
  group: 'Exporter',
  value: 'PATH',
  description: 'Directory that keeps queued windows across crashes and restarts, one subdirectory per exporter (DIR/otlp, …); one process per directory.',
  defaultNote: 'none: queues live in memory',
};

export const RETRY_INITIAL_INTERVAL: FlagDefinition = {
  name: 'retry-initial-interval',
  group: 'Exporter',
  value: 'DURATION',
  description: 'First wait before an export that failed for a transient reason is retried; each next wait is 1.5 times longer, with jitter.',
  default: formatDuration(DEFAULT_RETRY.initialIntervalMillis),
};

export const RETRY_MAX_INTERVAL: FlagDefinition = {
  name: 'retry-max-interval',
  group: 'Exporter',
  value: 'DURATION',
  description: 'Longest wait between two attempts of one export; at least --retry-initial-interval.',
  default: formatDuration(DEFAULT_RETRY.maxIntervalMillis),
};

export const RETRY_MAX_ELAPSED: FlagDefinition = {
  name: 'retry-max-elapsed',
  group: 'Exporter',
  value: 'DURATION',
  description: 'Time after which an export still failing is given up (logged and counted); 0s retries until shutdown.',
  default: formatDuration(DEFAULT_RETRY.maxElapsedMillis),
};
