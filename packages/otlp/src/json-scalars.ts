import { Buffer } from 'node:buffer';
import { CodedError } from './coded-error.js';
import { OtlpDecodeError } from './decode-error.js';

// Readers for the scalar fields of the OTLP/JSON mapping (proto3 JSON with
// OTLP's changes: lowerCamelCase keys only, enums as integers, trace and span
// ids as hex). Each takes the raw JSON value and the field name, treats
// `undefined` and `null` as absent (the proto3 default), and throws a
// JsonFieldError naming the field for a value of the wrong type or range.
// Messages never quote the value itself: it could be a credential.

export type JsonObject = Record<string, unknown>;

/**
 * A field that failed to decode. Each enclosing message or list adds its
 * segment while the error unwinds, so the field path is built only on the
 * error path; the entry point turns it into an OtlpDecodeError, whose code
 * it already carries.
 */
export class JsonFieldError extends CodedError<'OTLP_DECODE_ERROR'> {
  private readonly segments: string[];

  constructor(field: string, readonly problem: string) {
    super('OTLP_DECODE_ERROR', problem);
    this.segments = [field];
  }

  static within(error: unknown, segment: string): unknown {
    if (error instanceof JsonFieldError) error.segments.push(segment);
    return error;
  }

  get path(): string {
    let path = '';
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i];
      if (s !== '') path += path === '' || s.startsWith('[') ? s : `.${s}`;
    }
    return path;
  }

  toDecodeError(what: string): OtlpDecodeError {
    return new OtlpDecodeError(`invalid ${what} at ${this.path}: ${this.problem}`);
  }
}

/** A word for the JSON type of a value, for error messages. */
export function jsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return 'an object';
  }
}

function wrongType(field: string, expected: string, v: unknown): JsonFieldError {
  return new JsonFieldError(field, `expected ${expected}, got ${jsonTypeName(v)}`);
}

/** A nested message: an object, or undefined when absent or null. */
export function jsonMessage(v: unknown, field: string): JsonObject | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw wrongType(field, 'an object', v);
  return v as JsonObject;
}

/**
 * An element of a repeated message field (null is not a message). The
 * caller's error path already ends with the element's index.
 */
export function jsonElement(v: unknown): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw wrongType('', 'an object', v);
  return v as JsonObject;
}

/** A repeated field: the array, or an empty one when absent or null. */
export function jsonArray(v: unknown, field: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw wrongType(field, 'an array', v);
  return v;
}

export function jsonString(v: unknown, field: string): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  throw wrongType(field, 'a string', v);
}

export function jsonBool(v: unknown, field: string): boolean {
  if (typeof v === 'boolean') return v;
  if (v === undefined || v === null) return false;
  throw wrongType(field, 'true or false', v);
}

const DECIMAL = /^-?[0-9]+$/;

function integerIn(v: unknown, field: string, min: number, max: number, kind: string): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && DECIMAL.test(v) && v.length <= 12) n = Number(v);
  else if (v === undefined || v === null) return 0;
  else throw wrongType(field, `${kind} (a number or a decimal string)`, v);
  if (!Number.isInteger(n)) throw new JsonFieldError(field, `expected ${kind}, got a number with a fraction`);
  if (n < min || n > max) throw new JsonFieldError(field, `${kind} out of range [${min}, ${max}]`);
  return n;
}

export function jsonUint32(v: unknown, field: string): number {
  return integerIn(v, field, 0, 0xffffffff, 'an unsigned 32-bit integer');
}

export function jsonInt32(v: unknown, field: string): number {
  return integerIn(v, field, -0x80000000, 0x7fffffff, 'a 32-bit integer');
}

/** OTLP/JSON enums are integers; names are not accepted. */
export function jsonEnum(v: unknown, field: string): number {
  if (typeof v !== 'number' && v !== undefined && v !== null) throw wrongType(field, 'an integer enum value', v);
  return integerIn(v, field, -0x80000000, 0x7fffffff, 'an integer enum value');
}

const UINT64_MAX = 0xffffffffffffffffn;
const INT64_MIN = -0x8000000000000000n;
const INT64_MAX = 0x7fffffffffffffffn;
const TWO_POW_64 = 18446744073709551616;
const TWO_POW_63 = 9223372036854775808;
/** Longest decimal string accepted for a 64-bit integer (room for leading zeros). */
const MAX_DECIMAL_LENGTH = 40;

/** Decimal strings up to this length are read digit by digit: below 2^53, so a double holds them exactly. */
const SHORT_DECIMAL_LENGTH = 15;
/** Bigints of the small counts that fill histogram buckets, made once. */
const SMALL_BIGINTS: readonly bigint[] = Array.from({ length: 1024 }, (_, i) => BigInt(i));

/**
 * The last two long unsigned decimals read and their values: a request's
 * points share their start time and their time, so most 19-digit times are
 * the string read just before (or the one before it), and comparing
 * strings is cheaper than checking and converting one again.
 */
let recentDecimalA = '';
let recentValueA = 0n;
let recentDecimalB = '';
let recentValueB = 0n;

function bigintFrom(v: unknown, field: string, signed: boolean): bigint {
  if (typeof v === 'string') {
    if (v.length <= SHORT_DECIMAL_LENGTH) {
      const n = shortDecimal(v);
      if (n === n) {
        if (!signed && n < 0) throw new JsonFieldError(field, 'an unsigned 64-bit integer out of range');
        return n >= 0 && n < SMALL_BIGINTS.length ? SMALL_BIGINTS[n] : BigInt(n);
      }
    } else if (!signed) {
      if (v === recentDecimalA) return recentValueA;
      if (v === recentDecimalB) return recentValueB;
    }
    return longDecimal(v, field, signed);
  }
  if (typeof v === 'number') {
    const kind = signed ? 'a signed 64-bit integer' : 'an unsigned 64-bit integer';
    if (!Number.isInteger(v)) throw new JsonFieldError(field, `expected ${kind}, got a number with a fraction`);
    if (signed ? v < -TWO_POW_63 || v >= TWO_POW_63 : v < 0 || v >= TWO_POW_64) {
      throw new JsonFieldError(field, `${kind} out of range`);
    }
    return BigInt(v);
  }
  if (v === undefined || v === null) return 0n;
  throw wrongType(field, `${signed ? 'a signed 64-bit integer' : 'an unsigned 64-bit integer'} (a decimal string or a number)`, v);
}

/**
 * The value of a decimal string of at most 15 characters (`-?[0-9]+`), or
 * NaN when it is not one: then the general path decides, with its error.
 * "-0" is 0, as BigInt("-0") is.
 */
function shortDecimal(v: string): number {
  const negative = v.charCodeAt(0) === 45;
  let i = negative ? 1 : 0;
  if (i === v.length) return NaN;
  let n = 0;
  for (; i < v.length; i++) {
    const digit = v.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return NaN;
    n = n * 10 + digit;
  }
  return negative ? -n : n;
}

/** The general path: any length, with the checks and errors of the OTLP/JSON mapping. */
function longDecimal(v: string, field: string, signed: boolean): bigint {
  const kind = signed ? 'a signed 64-bit integer' : 'an unsigned 64-bit integer';
  if (!DECIMAL.test(v) || v.length > MAX_DECIMAL_LENGTH) {
    throw new JsonFieldError(field, `expected ${kind} as a decimal string, got a string that is not one`);
  }
  const n = BigInt(v);
  if (signed ? n < INT64_MIN || n > INT64_MAX : n < 0n || n > UINT64_MAX) {
    throw new JsonFieldError(field, `${kind} out of range`);
  }
  if (!signed) {
    recentDecimalB = recentDecimalA;
    recentValueB = recentValueA;
    recentDecimalA = v;
    recentValueA = n;
  }
  return n;
}

/** uint64 and fixed64: a decimal string (as OTLP encoders write them) or a number. */
export function jsonUint64(v: unknown, field: string): bigint {
  return bigintFrom(v, field, false);
}

/** int64 and sfixed64. */
export function jsonInt64(v: unknown, field: string): bigint {
  return bigintFrom(v, field, true);
}

const DECIMAL_FLOAT = /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** double: a number, "NaN", "Infinity", "-Infinity" or a decimal string. */
export function jsonDouble(v: unknown, field: string): number {
  if (typeof v === 'number') return v;
  if (v === undefined || v === null) return 0;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    if (DECIMAL_FLOAT.test(v)) return Number(v);
    throw new JsonFieldError(field, 'expected a number, "NaN", "Infinity" or "-Infinity", got another string');
  }
  throw wrongType(field, 'a number', v);
}

/** An `optional double`: undefined when absent or null. */
export function jsonOptionalDouble(v: unknown, field: string): number | undefined {
  return v === undefined || v === null ? undefined : jsonDouble(v, field);
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Trace and span ids: hex, case-insensitive (OTLP/JSON, not proto3's base64). */
export function jsonHexBytes(v: unknown, field: string): Uint8Array {
  const s = jsonString(v, field);
  if (!HEX.test(s)) throw new JsonFieldError(field, 'expected an even number of hex digits');
  return new Uint8Array(Buffer.from(s, 'hex'));
}

const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;

/** proto3 `bytes`: base64, standard or URL-safe alphabet, padding optional. */
export function jsonBase64Bytes(v: unknown, field: string): Uint8Array {
  const s = jsonString(v, field);
  if (!BASE64.test(s)) throw new JsonFieldError(field, 'expected base64');
  return new Uint8Array(Buffer.from(s, 'base64'));
}
