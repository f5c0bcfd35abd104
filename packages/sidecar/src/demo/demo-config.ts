import { DEFAULT_DP_CONFIG, type DpProcessorConfig } from '@otel-dp/processor-dp';
import { buildDpProcessorConfig } from '../processor-config.js';
import { defaulted, type FlagReader } from '../flag-input.js';
import { readLogFlags } from '../config.js';
import type { LogFormat, LogLevel } from '../logger.js';
import { UsageError } from '../usage-error.js';

/** What `otel-dp demo` runs with. */
export interface DemoConfig {
  /** The sidecar's privacy settings; the token attribute is the application's `api.token`. */
  processor: DpProcessorConfig;
  /** How long the synthetic application sends traffic, in milliseconds. */
  durationMillis: number;
  /** Number of distinct API tokens. */
  tokens: number;
  /** Requests recorded per second, over all tokens and routes. */
  requestsPerSecond: number;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

/** Above this the demo would only measure the machine, not show privacy. */
const MAX_REQUESTS_PER_SECOND = 100_000;
const MAX_TOKENS = 1_000_000;

/**
 * The flags of `otel-dp demo` as a configuration.
 * @throws {UsageError} naming the first flag at fault.
 */
export function buildDemoConfig(flags: FlagReader): DemoConfig {
  const durationMillis = defaulted(flags.durationMillis('duration'), 'duration');
  if (durationMillis < 1_000) {
    throw new UsageError(`${flags.label('duration')} is ${durationMillis}ms, must be at least 1s`);
  }
  const tokens = defaulted(flags.whole('tokens', 1), 'tokens');
  if (tokens > MAX_TOKENS) throw new UsageError(`${flags.label('tokens')} is ${tokens}, must be at most ${MAX_TOKENS}`);
  const requestsPerSecond = defaulted(flags.whole('rate', 1), 'rate');
  if (requestsPerSecond > MAX_REQUESTS_PER_SECOND) {
    throw new UsageError(`${flags.label('rate')} is ${requestsPerSecond}, must be at most ${MAX_REQUESTS_PER_SECOND}`);
  }
  return {
    // Delta output: the table compares each window's release with that
    // window's truth, and the σ printed is one window's noise.
    processor: buildDpProcessorConfig(flags, { ...DEFAULT_DP_CONFIG, outputTemporality: 'delta' }),
    durationMillis,
    tokens,
    requestsPerSecond,
    ...readLogFlags(flags),
  };
}
