import type { IncomingHttpHeaders } from 'node:http';
import {
  decodeMetricsResponse,
  decodeMetricsResponseJson,
  decodeRpcStatus,
  decodeRpcStatusJson,
  type ExportMetricsServiceResponse,
  type RpcStatus,
} from '@otel-dp/otlp';
import { parseRetryAfterMillis } from '@otel-dp/exporter-helper';
import type { AttemptResult } from '@otel-dp/exporter-helper';

/** The only HTTP statuses OTLP clients retry (OTLP/HTTP §Retryable Response Codes). */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
/** Statuses on which a server signals throttling and may send Retry-After. */
const THROTTLING_STATUSES = new Set([429, 503]);
/** Longest plain-text error body quoted in a failure reason, in characters. */
const MAX_TEXT_BODY_CHARS = 200;

/** How the body of a response is encoded, from its Content-Type. */
type BodyEncoding = 'protobuf' | 'json' | 'other';

/**
 * Maps one OTLP/HTTP response to an attempt result: 2xx is accepted (with
 * its partial_success, when the body has one); 429, 502, 503 and 504 are
 * retryable, honouring Retry-After on 429 and 503; every other status is
 * permanent. A failure body is read as a google.rpc.Status for its message.
 */
export function classifyHttpResponse(status: number, headers: IncomingHttpHeaders, body: Buffer, nowMillis: number): AttemptResult {
  const encoding = bodyEncoding(headers['content-type']);
  if (status >= 200 && status < 300) return acceptedResult(encoding, body);

  const reason = `HTTP ${status}${statusMessage(encoding, body)}`;
  if (!RETRYABLE_STATUSES.has(status)) return { kind: 'failed', retryable: false, reason };
  const serverDelayMillis = THROTTLING_STATUSES.has(status) ? parseRetryAfterMillis(headerValue(headers['retry-after']), nowMillis) : undefined;
  return serverDelayMillis === undefined ? { kind: 'failed', retryable: true, reason } : { kind: 'failed', retryable: true, reason, serverDelayMillis };
}

function acceptedResult(encoding: BodyEncoding, body: Buffer): AttemptResult {
  const response = decodeResponse(encoding, body);
  const partial = response?.partialSuccess;
  if (partial === undefined) return { kind: 'accepted' };
  return { kind: 'accepted', rejectedDataPoints: partial.rejectedDataPoints, warning: partial.errorMessage };
}

/**
 * The backend already accepted the data, so an unreadable success body is
 * not a failure; it only costs us the partial_success details.
 */
function decodeResponse(encoding: BodyEncoding, body: Buffer): ExportMetricsServiceResponse | undefined {
  if (body.length === 0) return undefined;
  try {
    if (encoding === 'json') return decodeMetricsResponseJson(body.toString('utf8'));
    if (encoding === 'protobuf') return decodeMetricsResponse(body);
  } catch {
    return undefined;
  }
  return undefined;
}

/** `: <message>` from a google.rpc.Status body, a short plain-text body, or nothing. */
function statusMessage(encoding: BodyEncoding, body: Buffer): string {
  if (body.length === 0) return '';
  let status: RpcStatus | undefined;
  try {
    if (encoding === 'json') status = decodeRpcStatusJson(body.toString('utf8'));
    else if (encoding === 'protobuf') status = decodeRpcStatus(body);
  } catch {
    status = undefined;
  }
  if (status !== undefined) return status.message === '' ? '' : `: ${status.message}`;
  if (encoding === 'other') {
    const text = body.toString('utf8', 0, Math.min(body.length, MAX_TEXT_BODY_CHARS * 4)).replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT_BODY_CHARS);
    return text === '' ? '' : `: ${text}`;
  }
  return '';
}

function bodyEncoding(contentType: string | undefined): BodyEncoding {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') return 'protobuf';
  if (mediaType === 'application/json') return 'json';
  return 'other';
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
