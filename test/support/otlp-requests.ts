import {
  AggregationTemporality,
  decodeMetricsResponse,
  decodeMetricsResponseJson,
  encodeMetricsRequest,
  encodeMetricsRequestJson,
  type ExportMetricsServiceRequest,
  type ExportMetricsServiceResponse,
  type KeyValue,
  type NumberDataPoint,
} from '@otel-dp/otlp';

/** Fixed timestamps (ns) so a forwarded point can be compared field by field. */
const START_TIME_UNIX_NANO = 1_700_000_000_000_000_000n;
const TIME_UNIX_NANO = 1_700_000_010_000_000_000n;

export function stringAttribute(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}

export interface SumSpec {
  metric: string;
  /** One point per entry: its attributes and integer value. */
  points: { attributes: KeyValue[]; value: number }[];
  /** Adds an exemplar to every point, as an SDK with exemplars on would. */
  withExemplars?: boolean;
  /** Default DELTA. */
  temporality?: AggregationTemporality;
  /** Defaults START_TIME_UNIX_NANO and TIME_UNIX_NANO. */
  startTimeUnixNano?: bigint;
  timeUnixNano?: bigint;
}

/**
 * A request with one resource and scope, holding a monotonic Sum per spec, every field filled as a decoder fills it (so a decoded copy compares
 * equal with deepStrictEqual).
 */
export function sumRequest(specs: readonly SumSpec[], serviceName = 'e2e-handmade'): ExportMetricsServiceRequest {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [stringAttribute('service.name', serviceName)], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeMetrics: [
          {
            scope: { name: 'e2e-handmade', version: '1.0.0', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            metrics: specs.map((spec) => ({
              name: spec.metric,
              description: `${spec.metric}, built by hand`,
              unit: '1',
              metadata: [],
              sum: {
                aggregationTemporality: spec.temporality ?? AggregationTemporality.DELTA,
                isMonotonic: true,
                dataPoints: spec.points.map((point, i): NumberDataPoint => ({
                  attributes: point.attributes,
                  startTimeUnixNano: spec.startTimeUnixNano ?? START_TIME_UNIX_NANO,
                  timeUnixNano: spec.timeUnixNano ?? TIME_UNIX_NANO,
                  asInt: BigInt(point.value),
                  flags: 0,
                  exemplars: spec.withExemplars
                    ? [
                        {
                          filteredAttributes: [stringAttribute('exemplar.index', String(i))],
                          timeUnixNano: spec.timeUnixNano ?? TIME_UNIX_NANO,
                          asInt: BigInt(point.value),
                          spanId: new Uint8Array(8).fill(i + 1),
                          traceId: new Uint8Array(16).fill(i + 1),
                        },
                      ]
                    : [],
                })),
              },
            })),
          },
        ],
      },
    ],
  };
}

/**
 * A deep copy without properties whose value is undefined, so a decoded
 * message and a built one compare equal whether a decoder omits absent
 * optional fields or sets them to undefined.
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => withoutUndefined(item)) as T;
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) copy[key] = withoutUndefined(field);
  return copy as T;
}

export type HttpEncoding = 'protobuf' | 'json';

export interface PostResult {
  status: number;
  contentType: string;
  /** Decoded on 200; undefined otherwise. */
  response: ExportMetricsServiceResponse | undefined;
  /** The raw body, for error messages. */
  text: string;
}

/** POSTs an encoded request (or a JSON body as is) to an OTLP/HTTP metrics URL and decodes the answer. */
export async function postMetrics(url: string, body: ExportMetricsServiceRequest | string, encoding: HttpEncoding): Promise<PostResult> {
  const payload = typeof body === 'string' ? body : encoding === 'json' ? encodeMetricsRequestJson(body) : encodeMetricsRequest(body);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf' },
    body: payload,
    signal: AbortSignal.timeout(10_000),
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const contentType = res.headers.get('content-type') ?? '';
  const text = Buffer.from(bytes).toString('utf8');
  if (res.status !== 200) return { status: res.status, contentType, response: undefined, text };
  const response = encoding === 'json' ? decodeMetricsResponseJson(text) : decodeMetricsResponse(bytes);
  return { status: res.status, contentType, response, text };
}
