import { hasCredentialParameter, hasJwt, hasKnownKeyFormat, hasUrlCredentials, isAuthorizationValue } from './credential-formats.js';
import { looksLikeRandomToken } from './random-token.js';

/**
 * Values shorter than this can only be a credential through a rule that needs
 * a space (`Bearer …`), an `@` (URL userinfo) or an `=` (a parameter): every
 * vendor key format and the random-token rule need 16 characters or more.
 */
const SHORT_VALUE_LENGTH = 16;
const SHORT_VALUE_MARKER = /[\s@=]/;

/**
 * True when a string looks like a credential: an Authorization header value,
 * a JWT, a vendor key format (AWS, GitHub, GitLab, Slack, Stripe, Google,
 * OpenAI-style, npm, SendGrid, PEM private keys), a URL with a password, a
 * parameter named like a secret, or a long random-looking token. The rules
 * and their reasons are listed in this module's README.
 *
 * Exported for tests and for the CLI's own checks. Costs one pass per rule
 * over the value; {@link AttributePolicy} caches verdicts per value.
 */
export function looksLikeCredential(value: string): boolean {
  if (value.length < SHORT_VALUE_LENGTH && !SHORT_VALUE_MARKER.test(value)) return false;
  return (
    isAuthorizationValue(value) ||
    hasKnownKeyFormat(value) ||
    hasJwt(value) ||
    hasUrlCredentials(value) ||
    hasCredentialParameter(value) ||
    looksLikeRandomToken(value)
  );
}

/**
 * Last segments of attribute keys whose values are secrets by definition,
 * whatever they look like: `http.request.header.authorization`,
 * `http.request.header.cookie` (session ids), `db.password`, `csrf.token`.
 */
const CREDENTIAL_KEY_NAMES = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'api_key',
  'apikey',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'auth_token',
  'password',
  'passwd',
  'secret',
  'client_secret',
  'private_key',
]);

/**
 * True when an attribute key names a secret (its last dot-separated segment,
 * case-insensitive, is in the list above) or is itself a credential, as when a
 * token is used as a map key.
 */
export function isCredentialKey(key: string): boolean {
  const segment = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  return CREDENTIAL_KEY_NAMES.has(segment) || looksLikeCredential(key);
}
