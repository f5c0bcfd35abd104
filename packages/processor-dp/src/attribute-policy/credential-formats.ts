// Rules for credentials with a recognisable shape. Each pattern is compiled
// once, at module load. Patterns that search inside a value start only where
// the previous character cannot continue a token (a lookbehind), so the scans
// from successive starting points never overlap and a crafted value cannot
// make them quadratic.

import { looksLikeRandomToken } from './random-token.js';

/**
 * Credential formats that vendors made recognisable on purpose, found
 * anywhere in a value. Lengths are the documented ones, with room to grow.
 */
const KNOWN_KEY_FORMATS: readonly string[] = [
  // AWS access key ids: long-term (AKIA) and temporary STS (ASIA), 16 more characters.
  '(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])',
  // GitHub classic tokens: personal, OAuth, user-to-server, server-to-server, refresh.
  'gh[pousr]_[A-Za-z0-9]{36,}',
  // GitHub fine-grained personal access tokens.
  'github_pat_[A-Za-z0-9_]{22,}',
  // GitLab personal, deploy, runner and pipeline-trigger tokens.
  'gl(?:pat|dt|rt|ptt)-[A-Za-z0-9_-]{20,}',
  // Slack bot, user, app-configuration, legacy and refresh tokens: the prefix,
  // then a numeric team or user id.
  'xox[abposr]-[0-9]+-[A-Za-z0-9-]{10,}',
  // Stripe secret and restricted keys, and publishable keys: a publishable key
  // is not secret, but it names one Stripe account as surely as a secret key
  // does, which is what this pipeline exists to hide.
  '(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}',
  // Stripe webhook signing secrets.
  'whsec_[A-Za-z0-9]{24,}',
  // Google API keys.
  'AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])',
  // npm access tokens.
  'npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])',
  // SendGrid API keys: SG.<22>.<43>.
  'SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}',
  // PEM private keys of any algorithm, and PGP private key blocks.
  '-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----',
];
const KNOWN_KEY_FORMAT = new RegExp(`(?<![A-Za-z0-9_-])(?:${KNOWN_KEY_FORMATS.join('|')})`);

/**
 * OpenAI-style keys (`sk-…`, `sk-proj-…`, Anthropic's `sk-ant-…`). The prefix
 * alone is too common (`sk-learn-pipeline-…`), so the body must also mix
 * upper case, lower case and digits, as generated keys do.
 */
const DASHED_SECRET_KEY = /(?<![A-Za-z0-9_-])sk-([A-Za-z0-9_-]{20,})/g;
const UPPER = /[A-Z]/;
const LOWER = /[a-z]/;
const DIGIT = /[0-9]/;

/**
 * An Authorization header value with a token scheme (RFC 6750 bearer, and the
 * common `Token`/`ApiKey` schemes), optionally with the header name in front.
 * The credential must be token68 (RFC 7235 §2.1).
 */
const TOKEN_AUTHORIZATION = /^(?:(?:proxy-)?authorization:\s*)?(?:bearer|token|apikey)\s+([A-Za-z0-9\-._~+/]+=*)$/i;

/** `Basic base64(user:password)` (RFC 7617), optionally with the header name in front. */
const BASIC_AUTHORIZATION = /^(?:(?:proxy-)?authorization:\s*)?basic\s+([A-Za-z0-9+/]+={0,2})$/i;

/** A scheme's credential shorter than this is taken for prose ("Bearer token missing"). */
const MIN_SCHEME_CREDENTIAL_LENGTH = 8;

/**
 * What sets a credential apart from a word after a scheme (`Bearer
 * authentication-failure`): a digit, token68 punctuation, or an upper-case
 * letter after the first character.
 */
const NOT_A_WORD = /[0-9._~+/=]|.[A-Z]/;

/** Printable ASCII only: what a decoded `user:password` consists of. */
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/**
 * A JWS or JWE in compact form: base64url segments separated by dots, the
 * first being a JSON object. Such a header always encodes to `ey…`; the
 * header is decoded and must name an `alg` before the match counts.
 */
const COMPACT_JWT = /(?<![A-Za-z0-9_-])(ey[A-Za-z0-9_-]{8,})\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;

/** A JWT header is a few dozen characters; decoding more is wasted work. */
const MAX_JWT_HEADER_LENGTH = 1024;

/** `scheme://user:password@` or `scheme://user@`: the userinfo of a URL (RFC 3986 §3.2.1). */
const URL_USERINFO = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\/([^\s/?#@:]*)(?::([^\s/?#@]*))?@/g;

/**
 * Query, fragment or connection-string parameters whose value is a secret,
 * by name (case-insensitive), after `?`, `&`, `;`, `#`, white space (libpq
 * `host=db password=…`) or at the start. Includes the names the
 * OpenTelemetry semantic conventions ask instrumentations to redact in
 * `url.query`.
 */
const CREDENTIAL_PARAMETER_NAMES = [
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'auth_token',
  'api_token',
  'key',
  'apikey',
  'api_key',
  'api-key',
  'secret',
  'client_secret',
  'password',
  'passwd',
  'pwd',
  'sig',
  'signature',
  'awsaccesskeyid',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'x-goog-signature',
  'x-goog-credential',
  // Azure storage and Service Bus connection strings.
  'accountkey',
  'sharedaccesskey',
];
const CREDENTIAL_PARAMETER = new RegExp(`(?:^|[?&;#\\s])(?:${CREDENTIAL_PARAMETER_NAMES.join('|')})=([^&;#\\s]*)`, 'gi');

/**
 * A stand-in where a secret would go: asterisks, a SQL bind parameter (`?`,
 * `$1`, `:name`, `@name`), a printf verb, or a `{template}` variable.
 */
const PLACEHOLDER = /^(?:\*+|\?|\$\d+|[:@][A-Za-z_]\w*|%[sv]|\{\w*\})$/;

/**
 * True when a secret's slot holds no secret: empty, the `REDACTED` the
 * semantic conventions prescribe, or a placeholder.
 */
function isRedacted(secret: string): boolean {
  return secret.length === 0 || secret === 'REDACTED' || PLACEHOLDER.test(secret);
}

/** A vendor key format anywhere in the value. */
export function hasKnownKeyFormat(value: string): boolean {
  if (KNOWN_KEY_FORMAT.test(value)) return true;
  for (const match of value.matchAll(DASHED_SECRET_KEY)) {
    const body = match[1];
    if (UPPER.test(body) && LOWER.test(body) && DIGIT.test(body)) return true;
  }
  return false;
}

/**
 * The whole value is an Authorization header value carrying a credential:
 * a token scheme with a credential that is not a word, or Basic with
 * base64 that decodes to `user:password`.
 */
export function isAuthorizationValue(value: string): boolean {
  const token = TOKEN_AUTHORIZATION.exec(value);
  if (token !== null) {
    const credential = token[1];
    return credential.length >= MIN_SCHEME_CREDENTIAL_LENGTH && NOT_A_WORD.test(credential);
  }
  const basic = BASIC_AUTHORIZATION.exec(value);
  if (basic === null) return false;
  // "Basic Auth" is a label; a real Basic credential decodes to text with a colon.
  const decoded = Buffer.from(basic[1], 'base64').toString('latin1');
  return decoded.includes(':') && PRINTABLE_ASCII.test(decoded);
}

/** A compact JWS/JWE anywhere in the value, whose first segment decodes to a JSON header with `alg`. */
export function hasJwt(value: string): boolean {
  for (const match of value.matchAll(COMPACT_JWT)) {
    const header = match[1];
    if (header.length <= MAX_JWT_HEADER_LENGTH && isJoseHeader(header)) return true;
  }
  return false;
}

function isJoseHeader(segment: string): boolean {
  const text = Buffer.from(segment, 'base64url').toString('utf8');
  // Most candidates are not JSON objects at all; a failed parse throws, which costs far more than this check.
  if (text.charCodeAt(0) !== 0x7b || text.charCodeAt(text.length - 1) !== 0x7d) return false;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

/**
 * A URL with a password in its userinfo (`postgres://app:s3cret@db`), or
 * whose user name is itself a random token (`https://<token>@github.com`).
 * A user name alone (`ssh://git@host`) is not a credential.
 */
export function hasUrlCredentials(value: string): boolean {
  for (const match of value.matchAll(URL_USERINFO)) {
    const password = match[2];
    if (password !== undefined && !isRedacted(password)) return true;
    if (looksLikeRandomToken(match[1])) return true;
  }
  return false;
}

/** A query, fragment or connection-string parameter named like a secret, with a value that is not a placeholder. */
export function hasCredentialParameter(value: string): boolean {
  for (const match of value.matchAll(CREDENTIAL_PARAMETER)) {
    if (!isRedacted(match[1])) return true;
  }
  return false;
}
