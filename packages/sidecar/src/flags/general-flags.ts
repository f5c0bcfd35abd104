import { LOG_FORMATS, LOG_LEVELS } from '../logger.js';
import type { FlagDefinition } from './flag-definition.js';

export const LOG_LEVEL: FlagDefinition = {
  name: 'log-level',
  group: 'General',
  value: LOG_LEVELS.join('|'),
  description: 'Least severe level written to stderr. Tokens are never logged.',
  default: 'info',
};

export const LOG_FORMAT: FlagDefinition = {
  name: 'log-format',
  group: 'General',
  value: LOG_FORMATS.join('|'),
  description: 'Log lines on stderr: one JSON object per line, or one readable line (time, level, message, fields) per entry.',
  default: 'json',
};

export const CONFIG: FlagDefinition = {
  name: 'config',
  group: 'General',
  value: 'FILE',
  description:
    'YAML file of settings with the flags\' names as keys (`epsilon: 0.5`, `clip: ["http.*=0:100"]`), as kept in a ConfigMap. Flags and OTEL_DP_* variables override it; `otel-dp run --print-config` shows what is in effect and where each value came from.',
};
