import { writeResourceMetrics } from './encode-metrics.js';
import { ProtoWriter } from './proto-writer.js';
import type { ExportMetricsServiceRequest, ExportMetricsServiceResponse, RpcStatus } from './types.js';
import { fieldTag, WIRE_LEN, WIRE_VARINT } from './wire-format.js';

/**
 * One writer for all encodes: encoding is synchronous, so calls never
 * overlap, and its buffer (up to 1 MiB is kept) is not reallocated for every
 * request.
 */
const writer = new ProtoWriter();

const RESOURCE_METRICS = fieldTag(1, WIRE_LEN);

/**
 * Encodes an `ExportMetricsServiceRequest` as canonical proto3: fields in
 * field-number order, default scalars left out, repeated scalars packed.
 * Oneof members and `optional` fields are written when set, even to 0.
 * 64-bit integers are taken modulo 2^64; strings are written as UTF-8
 * (a lone surrogate becomes U+FFFD).
 *
 * @returns a new Uint8Array the caller owns.
 */
export function encodeMetricsRequest(request: ExportMetricsServiceRequest): Uint8Array {
  const w = writer;
  w.reset();
  const list = request.resourceMetrics;
  for (let i = 0; i < list.length; i++) {
    w.varint32(RESOURCE_METRICS);
    const start = w.fork();
    writeResourceMetrics(w, list[i]);
    w.join(start);
  }
  return w.finish();
}

const PARTIAL_SUCCESS = fieldTag(1, WIRE_LEN);
const REJECTED_ITEMS = fieldTag(1, WIRE_VARINT);
const ERROR_MESSAGE = fieldTag(2, WIRE_LEN);

/**
 * Encodes an `ExportMetricsServiceResponse`. A present `partialSuccess` is
 * written even when both its fields are defaults, so the receiver sees it.
 */
export function encodeMetricsResponse(response: ExportMetricsServiceResponse): Uint8Array {
  const partial = response.partialSuccess;
  return partial === undefined ? encodeExportResponse() : encodeExportResponse(partial.rejectedDataPoints, partial.errorMessage);
}

/**
 * The Export response of either signal: both are field 1, a partial success
 * of (1: the items rejected, 2: the error message). Without arguments, no
 * partial success; with them, one is written even when both are defaults.
 */
export function encodeExportResponse(rejected?: bigint, errorMessage = ''): Uint8Array {
  const w = writer;
  w.reset();
  if (rejected !== undefined) {
    w.varint32(PARTIAL_SUCCESS);
    const start = w.fork();
    if (rejected !== 0n) {
      w.varint32(REJECTED_ITEMS);
      w.varint64(rejected);
    }
    if (errorMessage !== '') {
      w.varint32(ERROR_MESSAGE);
      w.string(errorMessage);
    }
    w.join(start);
  }
  return w.finish();
}

const STATUS_CODE = fieldTag(1, WIRE_VARINT);
const STATUS_MESSAGE = fieldTag(2, WIRE_LEN);
const STATUS_DETAILS = fieldTag(3, WIRE_LEN);
const ANY_TYPE_URL = fieldTag(1, WIRE_LEN);
const ANY_VALUE = fieldTag(2, WIRE_LEN);

/** Encodes a `google.rpc.Status` (an OTLP/HTTP error body). */
export function encodeRpcStatus(status: RpcStatus): Uint8Array {
  const w = writer;
  w.reset();
  if (status.code !== 0) {
    w.varint32(STATUS_CODE);
    w.int32(status.code);
  }
  if (status.message !== '') {
    w.varint32(STATUS_MESSAGE);
    w.string(status.message);
  }
  const details = status.details;
  for (let i = 0; i < details.length; i++) {
    const detail = details[i];
    w.varint32(STATUS_DETAILS);
    const start = w.fork();
    if (detail.typeUrl !== '') {
      w.varint32(ANY_TYPE_URL);
      w.string(detail.typeUrl);
    }
    if (detail.value.length > 0) {
      w.varint32(ANY_VALUE);
      w.bytes(detail.value);
    }
    w.join(start);
  }
  return w.finish();
}
