/**
 * The bare pass: the same OTLP receiver as the sidecar, with a consumer that
 * re-encodes each request as protobuf and posts it to the sink: receive,
 * decode, encode, send, and nothing else (no token handling, no window, no
 * noise). It is the baseline the DP pipeline is compared with in the same run.
 *
 * Usage: node bare-pass.js SINK_URL. Logs `{"msg":"ready","http":…,"grpc":…}`
 * on stderr once listening, like `otel-dp run`; stops on SIGTERM or SIGINT.
 */
import { Agent, request } from 'node:http';
import {
  PipelineError,
  encodeMetricsRequest,
  type ConsumeResult,
  type ExportMetricsServiceRequest,
  type MetricsConsumer,
} from '@otel-dp/otlp';
import { DEFAULT_RECEIVER_CONFIG, OtlpReceiver, formatListenAddress } from '@otel-dp/receiver-otlp';

const SEND_TIMEOUT_MILLIS = 10_000;
const MAX_SOCKETS = 64;
const ACCEPTED: ConsumeResult = Object.freeze({ rejectedDataPoints: 0, errorMessage: '' });

/** Forwards each request as it comes, and answers once the sink has it (no queue, so no unbounded memory). */
class ForwardingConsumer implements MetricsConsumer {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });

  constructor(private readonly sink: URL) {}

  async consume(request: ExportMetricsServiceRequest): Promise<ConsumeResult> {
    const status = await this.post(encodeMetricsRequest(request));
    if (status !== 200) throw new PipelineError('SINK_REFUSED', `the sink answered ${status}`, { retryable: true, retryAfterSeconds: 1 });
    return ACCEPTED;
  }

  close(): void {
    this.agent.destroy();
  }

  private post(body: Uint8Array): Promise<number> {
    return new Promise((resolve) => {
      const req = request(
        {
          agent: this.agent,
          host: this.sink.hostname,
          port: this.sink.port,
          path: this.sink.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf', 'content-length': String(body.length) },
          timeout: SEND_TIMEOUT_MILLIS,
        },
        (res) => {
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', () => resolve(0));
          res.resume();
        },
      );
      req.on('timeout', () => req.destroy(new Error('the sink did not answer in time')));
      req.on('error', () => resolve(0));
      req.end(body);
    });
  }
}

function log(msg: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ level: 'info', msg, time: new Date().toISOString(), ...fields })}\n`);
}

async function main(): Promise<void> {
  const sinkUrl = process.argv[2];
  if (sinkUrl === undefined) throw new Error('usage: bare-pass.js SINK_URL');
  const consumer = new ForwardingConsumer(new URL(sinkUrl));
  const loopback = { host: '127.0.0.1', port: 0 };
  const receiver = new OtlpReceiver({ ...DEFAULT_RECEIVER_CONFIG, httpListen: loopback, grpcListen: loopback }, consumer);
  await receiver.start();
  log('ready', { http: formatListenAddress(receiver.httpAddress!), grpc: formatListenAddress(receiver.grpcAddress!) });
  const stop = async () => {
    await receiver.shutdown();
    consumer.close();
    log('stopped');
    // Nothing should be left running; if a connection outlived the shutdown, end anyway.
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  log('start-up failed', { message: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
});
