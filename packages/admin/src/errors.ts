import { CodedError } from '@otel-dp/otlp';

/**
 * Stable codes of {@link AdminConfigError}:
 * - ADMIN_CONFIG_INVALID: the listen address, the self-telemetry endpoint,
 *   an interval or a capacity is malformed. The message names the flag or field.
 */
export type AdminConfigErrorCode = 'ADMIN_CONFIG_INVALID';

/** A configuration value the admin endpoint or self-telemetry cannot use. */
export class AdminConfigError extends CodedError<AdminConfigErrorCode> {
  /** The configuration field (or option) at fault, e.g. `listen` or `endpoint`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super('ADMIN_CONFIG_INVALID', message);
    this.field = field;
  }
}

/**
 * Stable codes of {@link AdminStartError}:
 * - ADMIN_LISTEN_FAILED: the admin endpoint could not bind (port taken, address not local…).
 * - ADMIN_SHUT_DOWN: `start()` was called after `shutdown()`; the server does not restart.
 */
export type AdminStartErrorCode = 'ADMIN_LISTEN_FAILED' | 'ADMIN_SHUT_DOWN';

/** Why `AdminServer.start()` or `SelfTelemetry.start()` rejected. */
export class AdminStartError extends CodedError<AdminStartErrorCode> {}
