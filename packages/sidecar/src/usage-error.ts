import { CodedError } from '@otel-dp/otlp';

/**
 * A command line that cannot be run: an unknown flag, a value out of range,
 * a combination that makes no sense. The CLI prints the message on stderr
 * and exits with status 2. Messages name the flag (or environment variable)
 * at fault and never contain a header value or a token.
 */
export class UsageError extends CodedError<'OTEL_DP_USAGE'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('OTEL_DP_USAGE', message, options);
  }
}
