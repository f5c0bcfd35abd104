// The "long high-entropy string" rule: a value that is one word drawn from a
// token alphabet (hex, base62, base64, base64url) and looks random rather than
// built from words. Thresholds were calibrated on random tokens of 24 to 88
// characters against realistic telemetry values; both lists live in
// test/attribute-policy/random-token.test.ts, which fails if a threshold
// moves far enough to misclassify one of them.

/**
 * Shortest value the rule considers, in characters. 24 base64 characters
 * carry 144 bits, above the 128 of the smallest keys in common use; shorter
 * strings are mostly names, and k8s pod names (`api-7d9f8b6c5d-x2k9q`, 20)
 * stay below it.
 */
export const MIN_RANDOM_TOKEN_LENGTH = 24;

/**
 * Shortest all-hex value treated as a secret: 32 hex digits are 128 bits, the
 * smallest key size in common use. It leaves 24-digit MongoDB ObjectIds and
 * 16-digit span ids alone, but catches UUIDs written without dashes, trace
 * ids, machine ids and container ids: an identifier cannot be told from a hex
 * key by its shape, so the rule errs on the side of not forwarding it.
 */
export const MIN_HEX_SECRET_LENGTH = 32;

/**
 * Least Shannon entropy of an all-hex secret, in bits per character. Random
 * 32-digit hex averages 3.6 (the maximum is 4) and falls below 3.0 in about
 * 1.5 cases in 10^4; padding and patterns (`00000000…`, `deadbeefdeadbeef…`) stay below.
 */
const MIN_HEX_ENTROPY_BITS = 3.0;

/**
 * Least entropy of a mixed-case value relative to the most a string of its
 * length could have over a 64-symbol alphabet, log2(min(length, 64)). Random
 * base62/base64 of 24 to 64 characters scores 0.81 or more 99.5% of the time;
 * repetitive placeholders (`xxxxXXXX…`) score far lower.
 */
const MIN_RELATIVE_ENTROPY = 0.8;

/**
 * Largest share of a mixed-case value's letters that may sit in word-like
 * runs (three or more letters with a vowel, split at case changes, digits and
 * separators). Identifiers such as `PaymentAuthorizationServiceImplementation`
 * or `OtlpGrpcMetricExporterBuilder` score 0.8 to 1; random base62/base64 of
 * 32 characters scores below 0.75 in 99.6% of cases, because random letters
 * rarely line up into runs that contain a vowel.
 */
const MAX_WORD_SHARE = 0.75;

/** Symbol counts for the entropy, indexed by char code; reused, as only ASCII values get this far. */
const symbolCounts = new Uint32Array(128);

/** A capitalised or lowercase run of letters, or an all-caps run not followed by lowercase (`HTTP` in `HTTPResponse`). */
const LETTER_RUN = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g;
const VOWEL = /[aeiouy]/i;

/**
 * True when `value` is a single word over a token alphabet that looks random:
 * all-hex of at least {@link MIN_HEX_SECRET_LENGTH} digits with enough
 * entropy, or mixed-case base62/base64/base64url of at least
 * {@link MIN_RANDOM_TOKEN_LENGTH} characters with high entropy and few
 * word-like runs.
 *
 * Values with any other character (space, `.`, `:`, `@`, `,` …) are
 * structured: host names, versions, URLs, ARNs, SQL. Their secrets are found
 * by the format rules instead. Single-case values without hex (k8s names,
 * `UPPER_SNAKE` constants, base32/base36 strings) are not judged by entropy:
 * generated resource names look exactly like them.
 */
export function looksLikeRandomToken(value: string): boolean {
  const length = value.length;
  if (length < MIN_RANDOM_TOKEN_LENGTH) return false;
  let upper = 0;
  let lower = 0;
  let hexLetters = 0;
  let symbols = 0;
  let padding = 0;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (padding > 0 && c !== 0x3d) return false; // '=' only as trailing padding
    if (c >= 0x61 && c <= 0x7a) {
      lower++;
      if (c <= 0x66) hexLetters++;
    } else if (c >= 0x41 && c <= 0x5a) {
      upper++;
      if (c <= 0x46) hexLetters++;
    } else if (c === 0x3d) padding++;
    else if (c === 0x2b || c === 0x2f || c === 0x2d || c === 0x5f) symbols++; // + / - _
    else if (c < 0x30 || c > 0x39) return false;
  }
  if (padding > 2) return false;
  // Hex in one case only, with at least one letter: a long run of decimal digits is a number.
  const hex = symbols === 0 && padding === 0 && hexLetters > 0 && hexLetters === upper + lower && (upper === 0 || lower === 0);
  if (hex) return length >= MIN_HEX_SECRET_LENGTH && entropyBits(value) >= MIN_HEX_ENTROPY_BITS;
  if (upper === 0 || lower === 0) return false;
  const relativeEntropy = entropyBits(value) / Math.log2(Math.min(length, 64));
  return relativeEntropy >= MIN_RELATIVE_ENTROPY && wordShare(value, upper + lower) <= MAX_WORD_SHARE;
}

/** Shannon entropy of the character distribution of an ASCII string, in bits per character. */
export function entropyBits(value: string): number {
  const length = value.length;
  if (length === 0) return 0;
  symbolCounts.fill(0);
  for (let i = 0; i < length; i++) symbolCounts[value.charCodeAt(i) & 0x7f]++;
  // H = log2(n) - (1/n)·Σ c·log2(c), which needs one log per distinct symbol.
  let weighted = 0;
  for (let code = 0; code < 128; code++) {
    const count = symbolCounts[code];
    if (count > 1) weighted += count * Math.log2(count);
  }
  return Math.log2(length) - weighted / length;
}

/** Share of the `letters` letters of `value` that sit in word-like runs. */
function wordShare(value: string, letters: number): number {
  let inWords = 0;
  for (const match of value.matchAll(LETTER_RUN)) {
    const run = match[0];
    if (run.length >= 3 && VOWEL.test(run)) inWords += run.length;
  }
  return inWords / letters;
}
