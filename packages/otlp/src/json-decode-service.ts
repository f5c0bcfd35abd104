import { jsonResourceMetrics } from './json-decode-metrics.js';
import { jsonList, jsonNested } from './json-decode-common.js';
import { OtlpDecodeError } from './decode-error.js';
import {
  jsonBase64Bytes,
  jsonElement,
  JsonFieldError,
  jsonInt32,
  jsonInt64,
  jsonString,
  type JsonObject,
} from './json-scalars.js';
import type { ExportMetricsPartialSuccess, ExportMetricsServiceRequest, ExportMetricsServiceResponse, ProtoAny, RpcStatus } from './types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a JSON body into its top-level object. Errors give the position
 * reported by JSON.parse but never the text around it.
 */
function parseBody(body: string | Uint8Array, what: string): JsonObject {
  let text: string;
  if (typeof body === 'string') {
    text = body;
  } else {
    try {
      text = utf8.decode(body);
    } catch {
      throw new OtlpDecodeError(`invalid ${what}: the body is not valid UTF-8`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    const position = /position (\d+)/.exec(e instanceof Error ? e.message : '');
    throw new OtlpDecodeError(`invalid ${what}: not valid JSON${position === null ? '' : ` (at character ${position[1]})`}`);
  }
  try {
    return jsonElement(parsed);
  } catch {
    throw new OtlpDecodeError(`invalid ${what}: expected a JSON object at the top level`);
  }
}

/** Parses a body and decodes its top-level object, turning field errors into OtlpDecodeErrors. */
export function decodeWith<T>(body: string | Uint8Array, what: string, decode: (o: JsonObject) => T): T {
  const root = parseBody(body, what);
  try {
    return decode(root);
  } catch (e) {
    if (e instanceof JsonFieldError) throw e.toDecodeError(what);
    throw e;
  }
}

/**
 * Decodes an OTLP/JSON `ExportMetricsServiceRequest` (the body of OTLP/HTTP
 * `POST /v1/metrics` with `application/json`), given as text or as UTF-8
 * bytes.
 *
 * Follows the OTLP/JSON mapping: lowerCamelCase keys (others are ignored as
 * unknown fields); 64-bit integers as decimal strings or numbers; enums as
 * integers; doubles as numbers, decimal strings, "NaN", "Infinity" or
 * "-Infinity"; trace and span ids as hex; `bytesValue` as base64; null as
 * absent. A oneof with two members present is refused, as protobuf's own
 * JSON parser does.
 *
 * @throws {OtlpDecodeError} for invalid UTF-8, invalid JSON, or a field of
 *   the wrong type or range; the message gives the field path, e.g.
 *   `resourceMetrics[0].scopeMetrics[0].metrics[2].sum.dataPoints[5].timeUnixNano`.
 */
export function decodeMetricsRequestJson(body: string | Uint8Array): ExportMetricsServiceRequest {
  return decodeWith(body, 'ExportMetricsServiceRequest', jsonRequest);
}

function jsonRequest(o: JsonObject): ExportMetricsServiceRequest {
  return { resourceMetrics: jsonList(o.resourceMetrics, 'resourceMetrics', jsonResourceMetrics) };
}

/**
 * Decodes an OTLP/JSON `ExportMetricsServiceResponse`.
 *
 * @throws {OtlpDecodeError} as {@link decodeMetricsRequestJson}.
 */
export function decodeMetricsResponseJson(body: string | Uint8Array): ExportMetricsServiceResponse {
  return decodeWith(body, 'ExportMetricsServiceResponse', jsonResponse);
}

function jsonResponse(o: JsonObject): ExportMetricsServiceResponse {
  const partialSuccess = jsonNested(o.partialSuccess, 'partialSuccess', jsonPartialSuccess);
  return partialSuccess === undefined ? {} : { partialSuccess };
}

function jsonPartialSuccess(o: JsonObject): ExportMetricsPartialSuccess {
  return {
    rejectedDataPoints: jsonInt64(o.rejectedDataPoints, 'rejectedDataPoints'),
    errorMessage: jsonString(o.errorMessage, 'errorMessage'),
  };
}

/**
 * Decodes a JSON `google.rpc.Status` (an OTLP/HTTP error body). A detail is
 * read as `{"@type": url, "value": base64}`, the form
 * {@link encodeRpcStatusJson} writes; a detail written as the JSON fields of
 * its message (proto3's form for known types) keeps its type URL and gets
 * empty bytes, since this package does not know those message types.
 *
 * @throws {OtlpDecodeError} as {@link decodeMetricsRequestJson}.
 */
export function decodeRpcStatusJson(body: string | Uint8Array): RpcStatus {
  return decodeWith(body, 'Status', jsonStatus);
}

function jsonStatus(o: JsonObject): RpcStatus {
  return {
    code: jsonInt32(o.code, 'code'),
    message: jsonString(o.message, 'message'),
    details: jsonList(o.details, 'details', jsonAny),
  };
}

function jsonAny(o: JsonObject): ProtoAny {
  const value = typeof o.value === 'string' ? jsonBase64Bytes(o.value, 'value') : new Uint8Array(0);
  return { typeUrl: jsonString(o['@type'], '@type'), value };
}
