import { ProtoWriter } from './proto-writer.js';
import type { ExportTraceServiceResponse } from './types-traces.js';
import { fieldTag, WIRE_LEN, WIRE_VARINT } from './wire-format.js';

/** Responses are small; a writer of their own keeps the metrics writer's buffer untouched. */
const writer = new ProtoWriter();

const PARTIAL_SUCCESS = fieldTag(1, WIRE_LEN);
const REJECTED_SPANS = fieldTag(1, WIRE_VARINT);
const ERROR_MESSAGE = fieldTag(2, WIRE_LEN);

/**
 * Encodes an `ExportTraceServiceResponse` as canonical proto3. A present
 * `partialSuccess` is written even when both its fields are defaults, so the
 * client sees it.
 *
 * @returns a new Uint8Array the caller owns.
 */
export function encodeTraceResponse(response: ExportTraceServiceResponse): Uint8Array {
  const w = writer;
  w.reset();
  const partial = response.partialSuccess;
  if (partial !== undefined) {
    w.varint32(PARTIAL_SUCCESS);
    const start = w.fork();
    if (partial.rejectedSpans !== 0n) {
      w.varint32(REJECTED_SPANS);
      w.varint64(partial.rejectedSpans);
    }
    if (partial.errorMessage !== '') {
      w.varint32(ERROR_MESSAGE);
      w.string(partial.errorMessage);
    }
    w.join(start);
  }
  return w.finish();
}

/**
 * Encodes an `ExportTraceServiceResponse` as OTLP/JSON: `rejectedSpans` as a
 * decimal string (proto3 JSON's int64), defaults left out.
 */
export function encodeTraceResponseJson(response: ExportTraceServiceResponse): string {
  const partial = response.partialSuccess;
  if (partial === undefined) return '{}';
  const p: { rejectedSpans?: string; errorMessage?: string } = {};
  if (partial.rejectedSpans !== 0n) p.rejectedSpans = BigInt.asIntN(64, partial.rejectedSpans).toString();
  if (partial.errorMessage !== '') p.errorMessage = partial.errorMessage;
  return JSON.stringify({ partialSuccess: p });
}
