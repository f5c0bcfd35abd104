import type { ConsumeResult, ExportMetricsServiceRequest, Logger, MetricsConsumer } from '@otel-dp/otlp';

/** What the consumer does with the next requests it receives. */
export type ConsumerBehaviour = (request: ExportMetricsServiceRequest) => Promise<ConsumeResult>;

export const ACCEPT_ALL: ConsumerBehaviour = async () => ({ rejectedDataPoints: 0, errorMessage: '' });

/** A consumer that keeps every request it is handed and answers as told. */
export class RecordingConsumer implements MetricsConsumer {
  readonly requests: ExportMetricsServiceRequest[] = [];
  behaviour: ConsumerBehaviour = ACCEPT_ALL;

  consume(request: ExportMetricsServiceRequest): Promise<ConsumeResult> {
    this.requests.push(request);
    return this.behaviour(request);
  }

  /** Answers with a fixed result. */
  returns(result: ConsumeResult): void {
    this.behaviour = async () => result;
  }

  /** Rejects with the error. */
  throws(error: unknown): void {
    this.behaviour = async () => {
      throw error;
    };
  }
}

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** A logger that keeps its records, so tests can read what was said. */
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

  /** Every record as one string, to search for text that must never appear. */
  text(): string {
    return JSON.stringify(this.records);
  }
}

/** A promise with its resolve function, for consumers that hold a request open. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
