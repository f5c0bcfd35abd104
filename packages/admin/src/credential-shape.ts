import { looksLikeCredential } from '@otel-dp/processor-dp';

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

/**
 * Whether a value the admin endpoint would show (a label value, a setting)
 * must be hidden. First, the one credential rule of the pipeline, the one
 * the processor drops attribute values by (`looksLikeCredential` of
 * `@otel-dp/processor-dp`: Authorization values, JWTs, vendor key formats,
 * URL passwords, secret parameters, random-looking tokens). Then a stricter
 * test the processor cannot afford on telemetry, where identifiers such as
 * `OAuth2TokenIntrospectionClient` or a UUID are common: these values come
 * from fixed vocabularies or are redacted already, so anything opaque (a
 * UUID, or a run of 16 or more letters and digits mixing both) is hidden
 * too, and a false alarm costs one hidden value.
 */
export function mustHideValue(text: string): boolean {
  return looksOpaque(text) || looksLikeCredential(text);
}

function looksOpaque(text: string): boolean {
  if (UUID.test(text)) return true;
  for (const run of text.matchAll(OPAQUE_RUN)) {
    if (LETTER.test(run[0]) && DIGIT.test(run[0])) return true;
  }
  return false;
}
