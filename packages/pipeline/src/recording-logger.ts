import type { Logger } from './logger.js';

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** A Logger that keeps every record, to assert on what was (and was not) logged. */
export class RecordingLogger implements Logger {
  readonly records: LogRecord[] = [];

  debug(message: string, fields?: Record<string, unknown>): void {
    this.records.push({ level: 'debug', message, fields });
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.records.push({ level: 'info', message, fields });
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.records.push({ level: 'warn', message, fields });
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.records.push({ level: 'error', message, fields });
  }

  /** The records of one level. */
  at(level: LogRecord['level']): LogRecord[] {
    return this.records.filter((record) => record.level === level);
  }

  /** Everything logged, as one string, for "never appears" checks. */
  text(): string {
    return JSON.stringify(this.records, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  }
}
