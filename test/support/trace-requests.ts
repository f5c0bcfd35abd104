import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { decodeTraceResponse, decodeTraceResponseJson, encodeTraceRequest, SpanKind, StatusCode, type ExportTraceServiceRequest, type ExportTraceServiceResponse, type Span } from '@otel-dp/otlp';
import { adminStatus } from './admin-endpoint.js';
import { stringAttribute } from './otlp-requests.js';
import { grpcTraceExportBytes, sendHttp, type RawHttpAnswer } from './raw-otlp.js';
import type { SidecarProcess } from './sidecar-process.js';
import { TOKEN_ATTRIBUTE } from './sdk-app.js';

/**
 * Handmade trace requests: one server span per token, stamped now so it
 * lands in the open window, 12 ms long, with random ids.
 */

export const SPAN_DURATION_NANOS = 12_000_000n;

function nowNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/** A server span named `name`, carrying `token` unless it is undefined. */
export function serverSpan(name: string, token: string | undefined, change: Partial<Span> = {}): Span {
  const end = nowNanos();
  return {
    traceId: new Uint8Array(randomBytes(16)),
    spanId: new Uint8Array(randomBytes(8)),
    name,
    kind: SpanKind.SERVER,
    startTimeUnixNano: end - SPAN_DURATION_NANOS,
    endTimeUnixNano: end,
    attributes: token === undefined ? [] : [stringAttribute(TOKEN_ATTRIBUTE, token)],
    statusCode: StatusCode.UNSET,
    ...change,
  };
}

export function traceRequest(serviceName: string, spans: Span[]): ExportTraceServiceRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: [stringAttribute('service.name', serviceName)], droppedAttributesCount: 0 },
        scopeSpans: [{ scope: { name: 'e2e-handmade', version: '1', attributes: [], droppedAttributesCount: 0 }, spans }],
      },
    ],
  };
}

/** POSTs a trace request to `/v1/traces` as protobuf and decodes the answer's response on 200. */
export async function postTraces(url: string, body: Uint8Array): Promise<{ answer: RawHttpAnswer; response: ExportTraceServiceResponse | undefined }> {
  const answer = await sendHttp(url, { headers: { 'content-type': 'application/x-protobuf' }, body });
  const type = String(answer.headers['content-type'] ?? '');
  const response =
    answer.status !== 200 ? undefined : type.startsWith('application/json') ? decodeTraceResponseJson(answer.body.toString('utf8')) : decodeTraceResponse(answer.body);
  return { answer, response };
}

export const GOOD_SERVICE = 'e2e-good';
export const GOOD_SPAN = 'GET /good';

/**
 * Valid trace requests sent between bad ones, one span per token each, over
 * OTLP/HTTP and OTLP/gRPC in turn, counted so the test can check later that
 * every span was released.
 */
export class GoodSpans {
  /** Requests accepted whole. */
  sent = 0;

  constructor(readonly tokens: readonly string[]) {}

  /** The released total of `traces.span.metrics.calls` for {@link GOOD_SPAN}. */
  get expectedCalls(): number {
    return this.sent * this.tokens.length;
  }

  /** `--public-attribute` flags under which the good spans' series are released from the first window. */
  static publicFlags(): string[] {
    return [
      '--public-attribute', `service.name=${GOOD_SERVICE}`,
      '--public-attribute', `span.name=${GOOD_SPAN}`,
      '--public-attribute', 'span.kind=SPAN_KIND_SERVER',
      '--public-attribute', 'status.code=STATUS_CODE_UNSET',
    ];
  }

  /** Fails unless the sidecar still runs, answers `/healthz` with 200 and accepts a valid trace request whole. */
  async assertStillServing(sidecar: SidecarProcess, after: string): Promise<void> {
    assert.equal(sidecar.exit, undefined, `the sidecar exited after ${after}\n${sidecar.describe()}`);
    assert.equal(await adminStatus(sidecar.adminUrl, '/healthz'), 200, `/healthz after ${after}`);
    const body = encodeTraceRequest(traceRequest(GOOD_SERVICE, this.tokens.map((token) => serverSpan(GOOD_SPAN, token))));
    if (this.sent % 2 === 0) {
      const { answer, response } = await postTraces(sidecar.httpTracesUrl, body);
      assert.equal(answer.status, 200, `a valid trace request after ${after} was answered ${answer.status}: ${answer.body.toString('utf8')}`);
      assert.equal(response?.partialSuccess?.rejectedSpans ?? 0n, 0n, `a valid trace request after ${after} lost spans: ${response?.partialSuccess?.errorMessage}`);
    } else {
      const answer = await grpcTraceExportBytes(`127.0.0.1:${sidecar.grpcPort}`, body);
      assert.equal(answer.code, grpc.status.OK, `a valid gRPC trace export after ${after} was answered ${grpc.status[answer.code]}: ${answer.details}`);
      assert.equal(answer.response?.partialSuccess?.rejectedSpans ?? 0n, 0n, `a valid gRPC trace export after ${after} lost spans: ${answer.response?.partialSuccess?.errorMessage}`);
    }
    this.sent++;
  }
}
