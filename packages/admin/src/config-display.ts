import { mustHideValue } from './credential-shape.js';

/** A configuration value as the sidecar hands it over. */
export type ConfigValue = string | number | boolean | string[];

/** What the status page shows in place of a hidden value. */
export const HIDDEN_VALUE = '(hidden)';

/**
 * Words of a key that mark its value as secret. `token` alone is not one:
 * `token-attribute` and `max-series-per-token` are settings, not secrets.
 */
const SECRET_WORDS = new Set([
  'secret', 'secrets', 'password', 'passwd', 'passphrase', 'credential', 'credentials',
  'authorization', 'auth', 'cookie', 'bearer', 'header', 'headers', 'apikey',
]);
/** Pairs of adjacent words that name a secret together. */
const SECRET_PAIRS = new Set(['api key', 'private key', 'access token', 'auth token', 'bearer token', 'session token', 'refresh token', 'access key']);

/** The words of a key: split at `-`, `_`, `.`, spaces and lower-to-upper case changes, lower-cased. */
function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[-_.\s]+/)
    .filter((word) => word !== '');
}

/** Whether a configuration key names a secret, e.g. `exporter-header`, `apiKey`, `tls.privateKey`. */
export function isSecretKey(key: string): boolean {
  const words = keyWords(key);
  return words.some((word, i) => SECRET_WORDS.has(word) || (i > 0 && SECRET_PAIRS.has(`${words[i - 1]} ${word}`)));
}

/**
 * The text the status page shows for one setting: {@link HIDDEN_VALUE} when
 * the key names a secret or the value has the shape of a credential, else
 * the value (lists joined by `, `). The caller escapes it for HTML.
 */
export function displayConfigValue(key: string, value: ConfigValue): string {
  if (isSecretKey(key)) return HIDDEN_VALUE;
  const items = Array.isArray(value) ? value.map(String) : [String(value)];
  // Item by item: a credential rule that reads a whole value (`Bearer …`) would miss one inside the joined list.
  return items.some(mustHideValue) ? HIDDEN_VALUE : items.join(', ');
}
