import type { Logger } from '@otel-dp/otlp';

/** From most to least verbose. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const SEVERITY: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface JsonLinesLoggerOptions {
  /** Least severe level written. Default `info`. */
  level?: LogLevel;
  /** Receives one complete line, newline included. Default: process.stderr. */
  write?: (line: string) => void;
  /** Clock for the `time` field. Default Date.now. */
  now?: () => number;
}

/**
 * Writes one JSON object per line: `{"level","msg","time",...fields}`, `time`
 * in ISO 8601. Fields are written as given, so callers must only pass safe
 * values: the components never hand a token to a logger. Bigints become
 * decimal strings and errors become `{name, message, code}` (no stack, which
 * could quote data). Logging never throws.
 */
export class JsonLinesLogger implements Logger {
  private readonly threshold: number;
  private readonly write: (line: string) => void;
  private readonly now: () => number;

  constructor(options: JsonLinesLoggerOptions = {}) {
    this.threshold = SEVERITY[options.level ?? 'info'];
    this.write = options.write ?? ((line) => process.stderr.write(line));
    this.now = options.now ?? Date.now;
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    if (this.threshold <= SEVERITY.debug) this.emit('debug', message, fields);
  }

  info(message: string, fields?: Record<string, unknown>): void {
    if (this.threshold <= SEVERITY.info) this.emit('info', message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    if (this.threshold <= SEVERITY.warn) this.emit('warn', message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    if (this.threshold <= SEVERITY.error) this.emit('error', message, fields);
  }

  private emit(level: LogLevel, msg: string, fields: Record<string, unknown> | undefined): void {
    const time = new Date(this.now()).toISOString();
    // The reserved keys are written first (so every line starts alike) and
    // again last (so a field cannot overwrite them).
    const record = fields === undefined ? { level, msg, time } : Object.assign({ level, msg, time }, fields, { level, msg, time });
    let line: string;
    try {
      line = JSON.stringify(record, jsonSafe);
    } catch {
      line = JSON.stringify({ level, msg, time, logError: 'fields could not be written as JSON' });
    }
    try {
      this.write(`${line}\n`);
    } catch {
      // A closed stderr must not take the process down with it.
    }
  }
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return code === undefined ? { name: value.name, message: value.message } : { name: value.name, message: value.message, code };
  }
  return value;
}
