import { createRequire } from 'node:module';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export type TraceProtocol = 'http/json' | 'http/protobuf' | 'grpc';

/** The request header that carries the client's API key, as many APIs name it. */
export const API_KEY_HEADER = 'x-api-key';
/** Where the request hook puts the key on the server span: the sidecar's default `--token-attribute`. */
export const SPAN_TOKEN_ATTRIBUTE = 'api.token';
export const TRACED_SERVICE = 'traced-api';

/**
 * The API's routes: what each answers. `flaky` answers 500 when the client
 * asks for it (`?fail=1`), so a test decides which requests fail and knows
 * the truth from the answers it got.
 */
export const ROUTE_BEHAVIOUR: Readonly<Record<string, 'ok' | 'flaky' | 'fail'>> = {
  '/v1/chat': 'ok',
  '/v1/embeddings': 'flaky',
  '/v1/broken': 'fail',
};

/** The span name the request hook gives a route, as a framework names server spans: method and route. */
export function spanName(route: string): string {
  return `GET ${route}`;
}

/** What the app's own span processor saw end: the ids that must never reach the metrics backend. */
export interface FinishedSpan {
  name: string;
  traceId: string;
  spanId: string;
  /** SpanStatusCode: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  token: string | undefined;
}

type ExportResult = Parameters<Parameters<SpanExporter['export']>[1]>[0];
/** ExportResultCode.SUCCESS of @opentelemetry/core. */
const EXPORT_SUCCESS = 0;

/** Passes spans to the real exporter and keeps each export's result: forceFlush resolves even when an export failed. */
class ResultRecordingExporter implements SpanExporter {
  readonly results: ExportResult[] = [];

  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      this.results.push(result);
      resultCallback(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/** Keeps the ids, name, status and token of every span that ended. */
class FinishedSpans implements SpanProcessor {
  readonly spans: FinishedSpan[] = [];

  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    const { traceId, spanId } = span.spanContext();
    const token = span.attributes[SPAN_TOKEN_ATTRIBUTE];
    this.spans.push({ name: span.name, traceId, spanId, statusCode: span.status.code, token: typeof token === 'string' ? token : undefined });
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface TracedApiOptions {
  protocol: TraceProtocol;
  /** `http://host:port/v1/traces` for HTTP, `http://host:port` for gRPC. */
  url: string;
  compression?: 'gzip' | 'none';
}

/** The exporters' compression option is a string enum of a package the test does not depend on. */
type SdkCompression = NonNullable<NonNullable<ConstructorParameters<typeof JsonTraceExporter>[0]>['compression']>;

/**
 * An HTTP API on 127.0.0.1 traced the way users trace one: node:http
 * instrumented by OpenTelemetry's own `@opentelemetry/instrumentation-http`,
 * spans from `@opentelemetry/sdk-trace-node` through a BatchSpanProcessor
 * and the real OTLP trace exporter for `protocol`. The instrumentation's
 * request hook names the server span after the route and puts the client's
 * API key (header `x-api-key`) on it as `api.token`.
 *
 * The instrumentation patches node:http's Server for the whole process, once
 * (require-in-the-middle patches a module on its first require only), so it
 * ignores every incoming request but the open API's (the test's OTLP backend
 * runs in the same process) and every outgoing one; each TracedApi gives it
 * its own tracer provider. One TracedApi at a time.
 */
export class TracedApi {
  private constructor(
    private readonly provider: NodeTracerProvider,
    private readonly server: Server,
    private readonly exporter: ResultRecordingExporter,
    private readonly finished: FinishedSpans,
  ) {}

  static async start(options: TracedApiOptions): Promise<TracedApi> {
    const exporter = new ResultRecordingExporter(createExporter(options));
    const finished = new FinishedSpans();
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': TRACED_SERVICE }),
      // A batch far larger than any test's traffic, exported on forceFlush (the delay is an hour).
      spanProcessors: [finished, new BatchSpanProcessor(exporter, { maxQueueSize: 100_000, maxExportBatchSize: 10_000, scheduledDelayMillis: 3_600_000, exportTimeoutMillis: 10_000 })],
    });
    const { instrumentation, http } = patchedHttp();
    instrumentation.setTracerProvider(provider);
    const server = http.createServer(handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    tracedPort = (server.address() as AddressInfo).port;
    return new TracedApi(provider, server, exporter, finished);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The spans that ended so far, in order. */
  get spans(): readonly FinishedSpan[] {
    return this.finished.spans;
  }

  /** One GET with this API key; `fail` asks a flaky route to answer 500. Returns the status. */
  async call(route: string, apiKey: string, fail = false): Promise<number> {
    const response = await fetch(`http://127.0.0.1:${this.port}${route}${fail ? '?fail=1' : ''}`, {
      headers: { [API_KEY_HEADER]: apiKey },
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** Exports every ended span now; rejects when an export failed. */
  async flush(): Promise<void> {
    const before = this.exporter.results.length;
    await this.provider.forceFlush();
    const failed = this.exporter.results.slice(before).find((result) => result.code !== EXPORT_SUCCESS);
    if (failed !== undefined) throw new Error(`the trace exporter failed: ${String(failed.error)}`, { cause: failed.error });
  }

  /** How many exports the exporter finished, successful or not. */
  get exports(): number {
    return this.exporter.results.length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    tracedPort = 0;
    await this.provider.shutdown();
  }
}

/** The port of the open TracedApi, whose requests alone are traced; 0 when none is open. */
let tracedPort = 0;
let patched: { instrumentation: HttpInstrumentation; http: typeof import('node:http') } | undefined;

function patchedHttp(): { instrumentation: HttpInstrumentation; http: typeof import('node:http') } {
  if (patched !== undefined) return patched;
  const instrumentation = new HttpInstrumentation({
    ignoreIncomingRequestHook: (request) => tracedPort === 0 || request.socket.localPort !== tracedPort,
    ignoreOutgoingRequestHook: () => true,
    requestHook: (span, request) => {
      if (!('headers' in request)) return;
      const incoming = request as IncomingMessage;
      const route = new URL(incoming.url ?? '/', 'http://api').pathname;
      span.updateName(spanName(route));
      span.setAttribute('http.route', route);
      const key = incoming.headers[API_KEY_HEADER];
      if (typeof key === 'string') span.setAttribute(SPAN_TOKEN_ATTRIBUTE, key);
    },
  });
  // The instrumentation patches node:http when it is required; an ESM import would not pass its hook.
  const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');
  patched = { instrumentation, http };
  return patched;
}

function handle(request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://api');
  const behaviour = ROUTE_BEHAVIOUR[url.pathname];
  const failed = behaviour === 'fail' || (behaviour === 'flaky' && url.searchParams.get('fail') === '1');
  const status = behaviour === undefined ? 404 : failed ? 500 : 200;
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status === 200 }));
}

function createExporter(options: TracedApiOptions): SpanExporter {
  const common = { url: options.url, compression: (options.compression ?? 'none') as SdkCompression, timeoutMillis: 10_000 };
  switch (options.protocol) {
    case 'http/json':
      return new JsonTraceExporter(common);
    case 'http/protobuf':
      return new ProtoTraceExporter(common);
    case 'grpc':
      return new GrpcTraceExporter(common);
  }
}
