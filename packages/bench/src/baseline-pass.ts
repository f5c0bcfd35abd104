/**
 * A baseline the DP pipeline is compared with in the same run, in its own
 * process like `otel-dp run`:
 *
 * - `decode`: the sidecar's OTLP receiver with consumers that accept every
 *   metrics and trace request as it is. Receiving and decoding is all it
 *   does: the limit of any pipeline built on this receiver.
 * - `aggregate`: the same receiver with {@link AggregatingConsumer}, which
 *   sums every series across tokens and exports once per window to the
 *   sink: a plain aggregating collector, what otel-dp does without privacy.
 * - `parse`: an HTTP server that only runs `JSON.parse` on each OTLP/JSON
 *   body (see `json-parse-server.ts`): the floor of any OTLP/JSON decoder.
 *
 * Usage: node baseline-pass.js MODE SINK_URL [WINDOW_SECONDS]. Logs
 * `{"msg":"ready","http":…,"grpc":…}` on stderr once listening, like
 * `otel-dp run`; stops on SIGTERM or SIGINT.
 */
import { Agent, request } from 'node:http';
import { encodeMetricsRequest, type ExportMetricsServiceRequest, type ExportTraceServiceRequest } from '@otel-dp/otlp';
import { type ConsumeResult, type MetricsConsumer, type TraceConsumeResult, type TraceConsumer } from '@otel-dp/pipeline';
import { DEFAULT_RECEIVER_CONFIG, OtlpReceiver, formatListenAddress } from '@otel-dp/receiver-otlp';
import { AggregatingConsumer } from './aggregating-consumer.js';
import { startJsonParseServer } from './json-parse-server.js';
import { TOKEN_ATTRIBUTE } from './workload.js';

const BASELINE_MODES = ['decode', 'aggregate', 'parse'];

const SEND_TIMEOUT_MILLIS = 10_000;
const ACCEPTED: ConsumeResult = Object.freeze({ rejectedDataPoints: 0, errorMessage: '' });

class AcceptingConsumer implements MetricsConsumer {
  consume(_request: ExportMetricsServiceRequest): Promise<ConsumeResult> {
    return Promise.resolve(ACCEPTED);
  }
}

const ACCEPTED_SPANS: TraceConsumeResult = Object.freeze({ rejectedSpans: 0, errorMessage: '' });

/** The decode-only pass of the spans row: trace requests received, decoded and accepted. */
class AcceptingTraceConsumer implements TraceConsumer {
  consume(_request: ExportTraceServiceRequest): Promise<TraceConsumeResult> {
    return Promise.resolve(ACCEPTED_SPANS);
  }
}

function log(msg: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ level: 'info', msg, time: new Date().toISOString(), ...fields })}\n`);
}

/** Posts a window's export to the sink; a failed post is logged, as an exporter would, and the window is gone. */
function postToSink(sink: URL, agent: Agent, body: Uint8Array): void {
  const req = request(
    {
      agent,
      host: sink.hostname,
      port: sink.port,
      path: sink.pathname,
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'content-length': String(body.length) },
      timeout: SEND_TIMEOUT_MILLIS,
    },
    (res) => res.resume(),
  );
  req.on('timeout', () => req.destroy(new Error('the sink did not answer in time')));
  req.on('error', (error) => log('export failed', { message: error.message }));
  req.end(body);
}

async function startReceiverPass(mode: 'decode' | 'aggregate', sink: URL, windowSeconds: number): Promise<() => Promise<void>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const aggregator = mode === 'aggregate' ? new AggregatingConsumer(TOKEN_ATTRIBUTE) : undefined;
  const exportWindow = () => {
    const request = aggregator?.closeWindow();
    if (request !== undefined) postToSink(sink, agent, encodeMetricsRequest(request));
  };
  const timer = aggregator === undefined ? undefined : setInterval(exportWindow, windowSeconds * 1000);
  const loopback = { host: '127.0.0.1', port: 0 };
  const traceConsumer = mode === 'decode' ? new AcceptingTraceConsumer() : undefined;
  const config = { ...DEFAULT_RECEIVER_CONFIG, httpListen: loopback, grpcListen: loopback };
  const receiver = new OtlpReceiver(config, aggregator ?? new AcceptingConsumer(), { traceConsumer });
  await receiver.start();
  log('ready', { http: formatListenAddress(receiver.httpAddress!), grpc: formatListenAddress(receiver.grpcAddress!) });
  return async () => {
    clearInterval(timer);
    await receiver.shutdown();
    exportWindow();
    agent.destroy();
  };
}

async function main(): Promise<void> {
  const [mode, sinkUrl, windowText = '60'] = process.argv.slice(2);
  if (!BASELINE_MODES.includes(mode) || sinkUrl === undefined) {
    throw new Error(`usage: baseline-pass.js ${BASELINE_MODES.join('|')} SINK_URL [WINDOW_SECONDS]`);
  }
  let stop: () => Promise<void>;
  if (mode === 'parse') {
    const server = await startJsonParseServer({ host: '127.0.0.1', port: 0 });
    // No gRPC listener: this pass gets OTLP/HTTP JSON only; the ready line names the HTTP port for both.
    log('ready', { http: `127.0.0.1:${server.port}`, grpc: `127.0.0.1:${server.port}` });
    stop = () => server.close();
  } else {
    stop = await startReceiverPass(mode as 'decode' | 'aggregate', new URL(sinkUrl), Number(windowText));
  }
  const onSignal = async () => {
    await stop();
    log('stopped');
    // Nothing should be left running; if a connection outlived the shutdown, end anyway.
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.once('SIGTERM', () => void onSignal());
  process.once('SIGINT', () => void onSignal());
}

main().catch((error: unknown) => {
  log('start-up failed', { message: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
});
