import { CodedError } from '@otel-dp/otlp';

/**
 * Stable codes of {@link AccountantError}:
 * - `ACCOUNTANT_CONFIG`: an option is out of range (thrown by `open`).
 * - `ACCOUNTANT_STATE`: the ledger in `--state-dir` cannot be trusted or
 *   written (missing directory with a cap, unreadable, corrupt, unwritable,
 *   replaced by another process). The accountant refuses rather than forget
 *   spent budget.
 * - `ACCOUNTANT_SPEND`: a window spend or a time is malformed.
 * - `ACCOUNTANT_BUDGET_EXHAUSTED`: the spend would take the horizon over
 *   `--max-epsilon-horizon`; the window must not be released.
 * - `ACCOUNTANT_CLOSED`: `record` after `close`.
 */
export type AccountantErrorCode =
  | 'ACCOUNTANT_CONFIG'
  | 'ACCOUNTANT_STATE'
  | 'ACCOUNTANT_SPEND'
  | 'ACCOUNTANT_BUDGET_EXHAUSTED'
  | 'ACCOUNTANT_CLOSED';

/** Every failure of the privacy accountant; messages name the flag or file at fault. */
export class AccountantError extends CodedError<AccountantErrorCode> {}
