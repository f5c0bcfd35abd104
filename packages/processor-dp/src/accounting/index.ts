export {
  DEFAULT_BUDGET_HORIZON_MILLIS,
  DEFAULT_CONVERSION_DELTA,
  LEDGER_CLOCK_SKEW_MILLIS,
  LEDGER_SLOTS_PER_HORIZON,
  validateAccountantConfig,
  type AccountantConfig,
} from './config.js';
export { composeHorizon, type HorizonGuarantee, type SpendTotals, type WindowSpend } from './composition.js';
export { AccountantError, type AccountantErrorCode } from './errors.js';
export { LEDGER_FILE_NAME } from './ledger-file.js';
export { LEDGER_FORMAT, LEDGER_SCHEMA_VERSION } from './ledger-format.js';
export { PrivacyAccountant, type AccountantStatus } from './privacy-accountant.js';
export type { AccountantSetting } from './setting-names.js';
export { STATE_MARKER_FILE_NAME, STATE_MARKER_FORMAT, STATE_MARKER_VERSION } from './state-marker.js';
