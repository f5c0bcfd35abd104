import { CodedError } from '@otel-dp/otlp';
import type { AccountantSetting } from './setting-names.js';

/**
 * Stable codes of {@link AccountantError}:
 * - `ACCOUNTANT_CONFIG`: an option is out of range (thrown by `open`).
 * - `ACCOUNTANT_STATE`: the ledger in the state directory cannot be trusted or
 *   written (missing directory with a cap, unreadable, corrupt, unwritable,
 *   replaced by another process). The accountant refuses rather than forget
 *   spent budget.
 * - `ACCOUNTANT_SPEND`: a window spend or a time is malformed.
 * - `ACCOUNTANT_BUDGET_EXHAUSTED`: the spend would take the horizon over
 *   the cap; the window must not be released.
 * - `ACCOUNTANT_CLOSED`: `record` after `close`.
 */
export type AccountantErrorCode =
  | 'ACCOUNTANT_CONFIG'
  | 'ACCOUNTANT_STATE'
  | 'ACCOUNTANT_SPEND'
  | 'ACCOUNTANT_BUDGET_EXHAUSTED'
  | 'ACCOUNTANT_CLOSED';

/** Every failure of the privacy accountant; messages name the setting or file at fault. */
export class AccountantError extends CodedError<AccountantErrorCode> {
  /** For a configuration at fault, the processor setting (see {@link AccountantSetting}) or accountant option. */
  readonly field: string | undefined;

  constructor(code: AccountantErrorCode, message: string, options?: { cause?: unknown; field?: string }) {
    super(code, message, options);
    this.field = options?.field;
  }
}
