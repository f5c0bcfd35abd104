/**
 * Thrown by every OTLP decoder in this package, and only by them, for input
 * that is not a valid message: malformed protobuf, invalid JSON, wrong types,
 * values out of range. The message names what was wrong and where (byte
 * offset and field for protobuf, field path for JSON); it never quotes a
 * string value from the input, so it is safe to log and to send back to the
 * client.
 */
export class OtlpDecodeError extends Error {
  /** Stable code to match on. */
  readonly code = 'OTLP_DECODE_ERROR';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OtlpDecodeError';
  }
}
