/**
 * The processor settings the accountant's messages name: fields of the
 * processor's configuration, not the accountant's own (`horizonMillis` is
 * set from `budgetHorizonMillis`), since the operator sets those.
 */
export type AccountantSetting = 'budgetHorizonMillis' | 'maxEpsilonHorizon' | 'stateDir' | 'startFreshBudget' | 'epsilon';

/** What each message calls each setting, worked out once when the accountant opens. */
export type AccountantNames = Readonly<Record<AccountantSetting, string>>;

const SETTINGS: readonly AccountantSetting[] = ['budgetHorizonMillis', 'maxEpsilonHorizon', 'stateDir', 'startFreshBudget', 'epsilon'];

/** The names from `settingName`; by default each setting's field name. */
export function accountantNames(settingName: (setting: AccountantSetting) => string = (setting) => setting): AccountantNames {
  return Object.fromEntries(SETTINGS.map((setting) => [setting, settingName(setting)])) as Record<AccountantSetting, string>;
}
