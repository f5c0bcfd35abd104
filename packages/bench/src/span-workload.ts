import { SpanKind, StatusCode, type ExportTraceServiceRequest, type KeyValue, type Span } from '@otel-dp/otlp';
import { TOKEN_ATTRIBUTE, benchResourceAttributes, tokenValue } from './workload.js';

/** Shape of the trace traffic of an instrumented API. */
export interface SpanWorkloadShape {
  /** Distinct API tokens across all requests. Default 2000. */
  tokens: number;
  /** Server spans in one export request (a batch span processor's batch). Default 1000. */
  spansPerRequest: number;
  /** Requests the load cycles through. Default 20. */
  requests: number;
}

export const DEFAULT_SPAN_WORKLOAD: SpanWorkloadShape = Object.freeze({ tokens: 2000, spansPerRequest: 1000, requests: 20 });

const ROUTES: ReadonlyArray<{ method: string; route: string }> = [
  { method: 'GET', route: '/v1/users/{id}' },
  { method: 'GET', route: '/v1/orders' },
  { method: 'POST', route: '/v1/orders' },
  { method: 'GET', route: '/v1/orders/{id}' },
  { method: 'GET', route: '/v1/search' },
  { method: 'POST', route: '/v1/events' },
];
/** One span in this many is a failed request (500, status ERROR). */
const ERROR_EVERY = 16;
const START_TIME_UNIX_NANO = 1_700_000_000_000_000_000n;

/**
 * The trace requests a load generator cycles through: server spans as
 * `@opentelemetry/instrumentation-http` records them, with the client's API
 * token as `api.token` (put there by a request hook), a route, a method and
 * a response status code, durations from under a millisecond to seconds.
 * Each token calls two routes and sees a few errors on the first: three
 * span metrics groups, 9 units of the sidecar's default
 * `--max-series-per-token` of 10, so no group is refused. Consecutive spans
 * of a request belong to different tokens, as in a batch of a busy API.
 */
export function buildSpanWorkload(shape: SpanWorkloadShape = DEFAULT_SPAN_WORKLOAD): ExportTraceServiceRequest[] {
  const requests: ExportTraceServiceRequest[] = [];
  for (let r = 0; r < shape.requests; r++) {
    const spans: Span[] = [];
    for (let i = 0; i < shape.spansPerRequest; i++) spans.push(serverSpan(r * shape.spansPerRequest + i, shape.tokens));
    requests.push({
      resourceSpans: [
        {
          resource: {
            attributes: [
              ...benchResourceAttributes(),
              stringAttribute('telemetry.sdk.name', 'opentelemetry'),
              stringAttribute('telemetry.sdk.version', '2.12.0'),
            ],
            droppedAttributesCount: 0,
          },
          scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.223.0', attributes: [], droppedAttributesCount: 0 }, spans }],
        },
      ],
    });
  }
  return requests;
}

/** Span number `n` of the whole workload. */
function serverSpan(n: number, tokens: number): Span {
  const token = n % tokens;
  const cycle = Math.floor(n / tokens);
  const failed = cycle % ERROR_EVERY === token % ERROR_EVERY;
  const { method, route } = ROUTES[(token + (failed ? 0 : (cycle % 2) * 3)) % ROUTES.length];
  // 0.3 ms to about 2.6 s, spread over the duration buckets.
  const durationNanos = BigInt(300_000 + ((n * 7_919) % 40) ** 3 * 40_000);
  const start = START_TIME_UNIX_NANO + BigInt(n) * 1_000_000n;
  const attributes: KeyValue[] = [
    stringAttribute('http.request.method', method),
    stringAttribute('url.scheme', 'https'),
    stringAttribute('http.route', route),
    stringAttribute('url.path', route.replace('{id}', String(1000 + (n % 9000)))),
    stringAttribute('user_agent.original', 'api-client/4.2.0 (linux; node 20)'),
    { key: 'http.response.status_code', value: { intValue: failed ? 500n : 200n } },
    stringAttribute(TOKEN_ATTRIBUTE, tokenValue(token)),
  ];
  return {
    traceId: idBytes(n, 16),
    spanId: idBytes(n * 31 + 7, 8),
    name: `${method} ${route}`,
    kind: SpanKind.SERVER,
    startTimeUnixNano: start,
    endTimeUnixNano: start + durationNanos,
    attributes,
    statusCode: failed ? StatusCode.ERROR : StatusCode.UNSET,
  };
}

/** Distinct-looking id bytes for span `n`, as random ids would be. */
function idBytes(n: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = (n + 1) * 2_654_435_761;
  for (let i = 0; i < length; i++) {
    x = (x ^ (x >>> 13)) * 1_274_126_177;
    x >>>= 0;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

function stringAttribute(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}
