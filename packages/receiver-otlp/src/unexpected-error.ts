/**
 * Log fields for an error nobody planned for. The message is left out on
 * purpose: it can quote data the pipeline was handling (a token among it),
 * while the name, code and stack frames locate the fault without it.
 */
export function describeUnexpected(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { errorType: typeof error };
  const fields: Record<string, unknown> = { errorName: error.name };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') fields.errorCode = code;
  // The first stack line repeats the message; the frames below it do not.
  const frames = error.stack?.split('\n').slice(1).map((line) => line.trim());
  if (frames !== undefined && frames.length > 0) fields.stack = frames.join('\n');
  return fields;
}

/** The stable `code` string of an error, or UNKNOWN. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}
