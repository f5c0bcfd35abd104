import { ExporterError } from '@otel-dp/exporter-helper';

/** An HTTP header name: an RFC 9110 token. */
export const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Parses OTEL_EXPORTER_OTLP_HEADERS-style text, `k1=v1,k2=v2` (the W3C
 * Baggage list format without properties): whitespace around keys and values
 * is trimmed, values are percent-decoded, empty members are skipped and a
 * repeated key keeps its last value. Throws an ExporterError with code
 * EXPORT_CONFIG_INVALID naming the position of a malformed member; the
 * message never quotes a value, as values are often credentials.
 */
export function parseOtlpHeaders(text: string): Record<string, string> {
  const headers = new Map<string, string>();
  const members = text.split(',');
  members.forEach((member, index) => {
    if (member.trim() === '') return;
    const position = `header ${index + 1} of ${members.length}`;
    const equals = member.indexOf('=');
    if (equals < 0) throw invalid(`${position} has no "=", expected key=value`);
    const key = member.slice(0, equals).trim();
    if (!HEADER_NAME.test(key)) {
      // The key is not quoted either: a misplaced "=" (base64 padding) can put a secret in it.
      throw invalid(key === '' ? `${position} has an empty key, expected key=value` : `${position} has a key that is not a valid header name (letters, digits, !#$%&'*+-.^_\`|~)`);
    }
    let value: string;
    try {
      value = decodeURIComponent(member.slice(equals + 1).trim());
    } catch {
      throw invalid(`header ${key} has a malformed percent-encoded value`);
    }
    if (/[\r\n\0]/.test(value)) throw invalid(`header ${key} has a value with a line break or NUL`);
    headers.set(key, value);
  });
  // fromEntries defines own properties, so a "__proto__" key stays a plain header.
  return Object.fromEntries(headers);
}

function invalid(message: string): ExporterError {
  return new ExporterError('EXPORT_CONFIG_INVALID', message);
}
