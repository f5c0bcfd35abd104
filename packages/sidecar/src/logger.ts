import type { Logger } from '@otel-dp/pipeline';

/** From most to least verbose. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `json`: one JSON object per line, for log collectors. `pretty`: one readable line per entry, for people. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

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
 * The level filter and the output shared by both formats. Fields are
 * written as given, so callers must only pass safe values: the components
 * never hand a token to a logger. Bigints become decimal strings and errors
 * `{name, message, code}` (no stack, which could quote data). Logging never
 * throws.
 */
abstract class LineLogger implements Logger {
  private readonly threshold: number;
  private readonly write: (line: string) => void;
  private readonly now: () => number;

  constructor(options: JsonLinesLoggerOptions) {
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

  /** One entry as one line, without the newline. */
  protected abstract format(level: LogLevel, msg: string, time: string, fields: Record<string, unknown> | undefined): string;

  private emit(level: LogLevel, msg: string, fields: Record<string, unknown> | undefined): void {
    const line = this.format(level, msg, new Date(this.now()).toISOString(), fields);
    try {
      this.write(`${line}\n`);
    } catch {
      // A closed stderr must not take the process down with it.
    }
  }
}

/** Writes one JSON object per line: `{"level","msg","time",...fields}`, `time` in ISO 8601. */
export class JsonLinesLogger extends LineLogger {
  constructor(options: JsonLinesLoggerOptions = {}) {
    super(options);
  }

  protected format(level: LogLevel, msg: string, time: string, fields: Record<string, unknown> | undefined): string {
    // The reserved keys are written first (so every line starts alike) and
    // again last (so a field cannot overwrite them).
    const record = fields === undefined ? { level, msg, time } : Object.assign({ level, msg, time }, fields, { level, msg, time });
    try {
      return JSON.stringify(record, jsonSafe);
    } catch {
      return JSON.stringify({ level, msg, time, logError: 'fields could not be written as JSON' });
    }
  }
}

// Bare words in pretty lines: anything else is JSON-quoted, so a line reads back unambiguously.
const BARE_VALUE = /^[\w.:/@+-]+$/;

/**
 * Writes one readable line per entry: `TIME LEVEL message key=value …`.
 * Values that are not plain words are JSON-quoted (so a line break in a
 * value stays `\n`), objects written as JSON.
 */
export class PrettyLinesLogger extends LineLogger {
  constructor(options: JsonLinesLoggerOptions = {}) {
    super(options);
  }

  protected format(level: LogLevel, msg: string, time: string, fields: Record<string, unknown> | undefined): string {
    let line = `${time} ${level.toUpperCase().padEnd(5)} ${msg.replace(/[\r\n]+/g, ' ')}`;
    for (const [key, value] of Object.entries(fields ?? {})) {
      line += ` ${key}=${prettyValue(value)}`;
    }
    return line;
  }
}

/** The logger for a `--log-format`. */
export function createLogger(format: LogFormat, options: JsonLinesLoggerOptions = {}): Logger {
  return format === 'pretty' ? new PrettyLinesLogger(options) : new JsonLinesLogger(options);
}

function prettyValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return BARE_VALUE.test(value) ? value : JSON.stringify(value);
  try {
    return JSON.stringify(value, jsonSafe) ?? String(value);
  } catch {
    return '"(not printable)"';
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
