/**
 * Runs of letters and digits (with base64's `+` and `=`). Separators (`-`,
 * `_`, `.`, `:`, `/`, spaces) end a run, so hyphenated names, dates, paths
 * and addresses do not form long ones; generated keys, hex and base64
 * secrets and JWT segments do, separators being rare in them.
 */
const OPAQUE_RUN = /[A-Za-z0-9+=]{16,}/g;
const LETTER = /[A-Za-z]/;
const DIGIT = /[0-9]/;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** A credential after its scheme and a space, as in an Authorization header value. */
const AUTH_SCHEME = /\b(?:bearer|basic|token|apikey)\s+([A-Za-z0-9._~+/-]{8,}=*)/gi;
/** What sets a credential apart from a word after a scheme ("token attribute"): a digit, punctuation or an inner capital. */
const NOT_A_WORD = /[0-9._~+/=]|.[A-Z]/;
/** `scheme://user:password@host`. */
const URL_USERINFO = /:\/\/[^/@\s]+@/;

/**
 * Whether some part of `text` has the shape of a credential: a run of 16 or
 * more letters and digits mixing both (as every generated key, hex or base64
 * secret and JWT has; the words of a reason or an exporter name do not), a
 * UUID, an Authorization-style `Bearer …` credential, or a URL with a user name. A
 * heuristic that leans towards refusing: it guards values that should come
 * from fixed vocabularies or be redacted already, where a false alarm costs
 * one hidden value.
 */
export function looksLikeCredential(text: string): boolean {
  if (URL_USERINFO.test(text) || UUID.test(text)) return true;
  for (const match of text.matchAll(AUTH_SCHEME)) {
    if (NOT_A_WORD.test(match[1] as string)) return true;
  }
  for (const run of text.matchAll(OPAQUE_RUN)) {
    if (LETTER.test(run[0]) && DIGIT.test(run[0])) return true;
  }
  return false;
}
