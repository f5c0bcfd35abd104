import { readResourceMetrics } from './decode-metrics.js';
import { ProtoReader } from './proto-reader.js';
import { WIRE_LEN, WIRE_VARINT } from './wire-format.js';
import type {
  ExportMetricsPartialSuccess,
  ExportMetricsServiceRequest,
  ExportMetricsServiceResponse,
  ProtoAny,
  ResourceMetrics,
  RpcStatus,
} from './types.js';

/** Limits a decoder enforces while it reads, before the request is whole. */
export interface DecodeLimits {
  /** Most entries in one resource, scope or data-point attribute list. */
  maxAttributesPerList?: number;
}

/**
 * Decodes a protobuf `ExportMetricsServiceRequest` (the body of OTLP/HTTP
 * `POST /v1/metrics` with `application/x-protobuf`, or a gRPC Export message).
 *
 * Follows protobuf's parsing rules: unknown fields are skipped, repeated
 * scalars are accepted packed or not, the last member of a oneof wins, and
 * absent fields take their proto3 defaults (see types.ts). Where protobuf
 * would merge two occurrences of a singular message field, the last one wins
 * instead; OTLP producers never split a message that way.
 *
 * With `limits.maxAttributesPerList`, a resource, scope or data point whose
 * attribute list passes it stops the decoding there, with an
 * {@link OtlpAttributeLimitError}.
 *
 * @throws {OtlpDecodeError} for any malformed input: truncation, a length
 *   past its parent's end, a varint over 10 bytes, a wrong wire type for a
 *   known field, invalid UTF-8 in a string, AnyValues nested deeper than
 *   {@link MAX_ANY_VALUE_DEPTH}. The message gives the byte offset and field.
 */
export function decodeMetricsRequest(bytes: Uint8Array, limits: DecodeLimits = {}): ExportMetricsServiceRequest {
  const r = new ProtoReader(bytes);
  r.maxAttributes = limits.maxAttributesPerList ?? Infinity;
  const resourceMetrics: ResourceMetrics[] = [];
  while (r.pos < r.limit) {
    const tag = r.tag('ExportMetricsServiceRequest');
    if (tag >>> 3 === 1) {
      r.expectWire(tag, WIRE_LEN, 'ExportMetricsServiceRequest.resource_metrics');
      resourceMetrics.push(readResourceMetrics(r));
    } else {
      r.skip(tag, 'ExportMetricsServiceRequest');
    }
  }
  return { resourceMetrics };
}

/**
 * Decodes a protobuf `ExportMetricsServiceResponse`; `partialSuccess` stays
 * undefined when the server left it out (full success).
 *
 * @throws {OtlpDecodeError} for malformed input.
 */
export function decodeMetricsResponse(bytes: Uint8Array): ExportMetricsServiceResponse {
  const r = new ProtoReader(bytes);
  let partialSuccess: ExportMetricsPartialSuccess | undefined;
  while (r.pos < r.limit) {
    const tag = r.tag('ExportMetricsServiceResponse');
    if (tag >>> 3 === 1) {
      r.expectWire(tag, WIRE_LEN, 'ExportMetricsServiceResponse.partial_success');
      partialSuccess = readPartialSuccess(r);
    } else {
      r.skip(tag, 'ExportMetricsServiceResponse');
    }
  }
  return partialSuccess === undefined ? {} : { partialSuccess };
}

function readPartialSuccess(r: ProtoReader): ExportMetricsPartialSuccess {
  const outer = r.enter('ExportMetricsPartialSuccess');
  let rejectedDataPoints = 0n;
  let errorMessage = '';
  while (r.pos < r.limit) {
    const tag = r.tag('ExportMetricsPartialSuccess');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_VARINT, 'ExportMetricsPartialSuccess.rejected_data_points');
        rejectedDataPoints = r.int64('ExportMetricsPartialSuccess.rejected_data_points');
        break;
      case 2:
        r.expectWire(tag, WIRE_LEN, 'ExportMetricsPartialSuccess.error_message');
        errorMessage = r.string('ExportMetricsPartialSuccess.error_message');
        break;
      default:
        r.skip(tag, 'ExportMetricsPartialSuccess');
    }
  }
  r.leave(outer);
  return { rejectedDataPoints, errorMessage };
}

/**
 * Decodes a protobuf `google.rpc.Status` (an OTLP/HTTP error body). Details
 * stay opaque `google.protobuf.Any` values.
 *
 * @throws {OtlpDecodeError} for malformed input.
 */
export function decodeRpcStatus(bytes: Uint8Array): RpcStatus {
  const r = new ProtoReader(bytes);
  let code = 0;
  let message = '';
  const details: ProtoAny[] = [];
  while (r.pos < r.limit) {
    const tag = r.tag('Status');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_VARINT, 'Status.code');
        code = r.int32('Status.code');
        break;
      case 2:
        r.expectWire(tag, WIRE_LEN, 'Status.message');
        message = r.string('Status.message');
        break;
      case 3:
        r.expectWire(tag, WIRE_LEN, 'Status.details');
        details.push(readAny(r));
        break;
      default:
        r.skip(tag, 'Status');
    }
  }
  return { code, message, details };
}

function readAny(r: ProtoReader): ProtoAny {
  const outer = r.enter('Any');
  let typeUrl = '';
  let value: Uint8Array | undefined;
  while (r.pos < r.limit) {
    const tag = r.tag('Any');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_LEN, 'Any.type_url');
        typeUrl = r.string('Any.type_url');
        break;
      case 2:
        r.expectWire(tag, WIRE_LEN, 'Any.value');
        value = r.bytes('Any.value');
        break;
      default:
        r.skip(tag, 'Any');
    }
  }
  r.leave(outer);
  return { typeUrl, value: value ?? new Uint8Array(0) };
}
