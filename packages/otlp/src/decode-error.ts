import { CodedError } from './coded-error.js';

/**
 * Thrown by every OTLP decoder in this package, and only by them, for input
 * that is not a valid message: malformed protobuf, invalid JSON, wrong types,
 * values out of range. The message names what was wrong and where (byte
 * offset and field for protobuf, field path for JSON); it never quotes a
 * string value from the input, so it is safe to log and to send back to the
 * client.
 */
export class OtlpDecodeError extends CodedError<'OTLP_DECODE_ERROR'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('OTLP_DECODE_ERROR', message, options);
  }
}

/**
 * Thrown while decoding when an attribute list passes the caller's
 * `maxAttributesPerList`: the request is well-formed but refused, as soon as
 * the limit is passed, before the rest of it is decoded.
 */
export class OtlpAttributeLimitError extends OtlpDecodeError {
  constructor(
    message: string,
    /** The attributes field whose list passed the limit, e.g. `NumberDataPoint.attributes`. */
    readonly field: string,
    /** Byte offset where decoding stopped. */
    readonly at: number,
    readonly maxAttributes: number,
  ) {
    super(message);
  }
}
