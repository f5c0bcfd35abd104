import { DEFAULT_QUEUE_SIZE } from '@otel-dp/exporter-helper';
import { DEFAULT_RECEIVER_CONFIG, formatListenAddress } from '@otel-dp/receiver-otlp';
import type { Logger } from '@otel-dp/pipeline';
import { DEFAULT_CLIP, MetricGlobTable, type ClipBounds } from '@otel-dp/processor-dp';
import { formatDuration } from '../duration.js';
import { DEMO_METRIC } from '../options.js';
import { startSidecar, type RunningSidecar } from '../start-sidecar.js';
import type { DemoConfig } from './demo-config.js';
import { SyntheticApp } from './synthetic-app.js';
import { TrueCounts, tapTrueCounts } from './true-counts.js';
import { WindowReportPrinter } from './window-report.js';

export interface DemoOptions {
  logger: Logger;
  /** Where the tables go (stdout). */
  write: (text: string) => void;
  /** Ends the demo before its duration (Ctrl-C). */
  stop: AbortSignal;
}

/**
 * `otel-dp demo`: a sidecar on loopback ephemeral ports and a synthetic
 * application sending to it, in one process and with no backend. Each
 * window is printed by {@link WindowReportPrinter}. After the duration (or
 * on `stop`) the application exports its last counts and the sidecar
 * releases the open window before the demo returns.
 * @returns the exit status: 0, or 1 when the sidecar could not start.
 */
export async function runDemo(config: DemoConfig, options: DemoOptions): Promise<number> {
  const { logger, write } = options;
  const clip = new MetricGlobTable(
    config.processor.clip.map((rule) => ({ pattern: rule.pattern, value: { lower: rule.lower, upper: rule.upper } })),
    DEFAULT_CLIP,
  ).lookup(DEMO_METRIC);
  const counts = new TrueCounts(config.processor.windowMillis, clip);
  const printer = new WindowReportPrinter({ counts, metricName: DEMO_METRIC, write });
  const loopback = { host: '127.0.0.1', port: 0 };
  let sidecar: RunningSidecar;
  try {
    sidecar = await startSidecar(
      {
        receiver: { ...DEFAULT_RECEIVER_CONFIG, httpListen: loopback, grpcListen: loopback },
        processor: config.processor,
        // Unused: the printer below takes the exporters' place.
        delivery: { exporters: [{ kind: 'debug' }], queueSize: DEFAULT_QUEUE_SIZE, queueDir: undefined },
        admin: { listen: 'off', selfTelemetry: undefined },
        logLevel: config.logLevel,
        logFormat: config.logFormat,
      },
      { logger, exporter: printer, wrapConsumer: (processor) => tapTrueCounts(processor, counts, { metricName: DEMO_METRIC, tokenAttribute: config.processor.tokenAttribute }, logger) },
    );
  } catch (error) {
    logger.error('demo sidecar failed to start', { error });
    return 1;
  }
  const http = formatListenAddress(sidecar.httpAddress ?? loopback);
  const app = new SyntheticApp({
    endpoint: `http://${http}/v1/metrics`,
    metricName: DEMO_METRIC,
    tokenAttribute: config.processor.tokenAttribute,
    tokens: config.tokens,
    requestsPerSecond: config.requestsPerSecond,
    durationMillis: config.durationMillis,
  });
  write(introduction(config, http, clip));
  printer.traffic.startMillis = Date.now();
  app.start();
  await waitFor(config.durationMillis, options.stop);
  await app.stop();
  printer.traffic.endMillis = Date.now();
  await sidecar.shutdown();
  write(printer.closingSummary());
  write(`done: ${app.recorded} requests recorded from ${config.tokens} tokens; windows printed: ${printer.windowsPrinted}\n`);
  return 0;
}

function introduction(config: DemoConfig, http: string, bounds: ClipBounds): string {
  const { processor } = config;
  const clip = processor.clip.map((rule) => `${rule.pattern}=${rule.lower}:${rule.upper}`).join(', ') || 'the default bounds';
  return [
    `otel-dp demo: ${config.tokens} API tokens, about ${config.requestsPerSecond} requests/s, counted as ${DEMO_METRIC}`,
    `  by the OpenTelemetry SDK (delta temporality, exported every 1s) and sent to the sidecar at http://${http}.`,
    `privacy per ${formatDuration(processor.windowMillis)} window: ${processor.mechanism}, ε=${processor.epsilon}, δ=${processor.delta},`,
    `  at most ${processor.maxSeriesPerToken} series per token, clip ${clip} (one token's total per series and window).`,
    `true = requests the sidecar received in the window, counted in front of the processor;`,
    `clipped = the same after each token's total per route is clipped to ${bounds.lower}:${bounds.upper}, which is what the noise is added to;`,
    `released = what the window releases (clipped, noised, never below 0); noise σ = standard deviation of that noise.`,
    `The first and last windows are partial: the traffic starts and stops inside them.`,
    `Runs for ${formatDuration(config.durationMillis)}; Ctrl-C stops earlier.`,
    '',
    '',
  ].join('\n');
}

function waitFor(millis: number, stop: AbortSignal): Promise<void> {
  if (stop.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, millis);
    stop.addEventListener('abort', done, { once: true });
  });
}
