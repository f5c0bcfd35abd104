import { encodeMetricsRequestJson } from '@otel-dp/otlp';
import { DEFAULT_DP_CONFIG, simulate, withSpanMetricsClipDefaults, type DpProcessorConfig } from '@otel-dp/processor-dp';
import { offlineSettingName } from '../field-flags.js';
import { defaulted, type FlagReader } from '../flag-input.js';
import { buildDpProcessorConfig } from '../processor-config.js';
import { buildSpanMetricsSettings, type SpanMetricsSettings } from '../span-metrics-config.js';
import { UsageError } from '../usage-error.js';
import { recordedSpanMetrics } from './recorded-spans.js';
import { readRequestLines } from './request-lines.js';

/** What `otel-dp simulate` runs with. */
export interface SimulateConfig {
  /** The recorded requests, OTLP/JSON, one per line: metrics and traces. */
  inputPath: string;
  /** Independent releases of the whole input. */
  runs: number;
  processor: DpProcessorConfig;
  /** How recorded spans become span metrics, as `otel-dp run` makes them. */
  spans: SpanMetricsSettings;
}

/**
 * The flags of `otel-dp simulate` as a configuration.
 * @throws {UsageError} naming the first flag at fault.
 */
export function buildSimulateConfig(flags: FlagReader): SimulateConfig {
  const inputPath = flags.text('input');
  if (inputPath === undefined || inputPath.trim() === '') {
    throw new UsageError('--input is required: the recorded OTLP/JSON requests, one per line');
  }
  const processor = buildDpProcessorConfig(flags, DEFAULT_DP_CONFIG);
  return {
    inputPath,
    runs: defaulted(flags.whole('runs', 1), 'runs'),
    processor,
    spans: buildSpanMetricsSettings(flags, processor),
  };
}

/**
 * `otel-dp simulate`: replays the recorded requests through the same
 * processor `otel-dp run` uses, each point in the window of its timestamp
 * and each span, as span metrics, in the window of its end time, and writes
 * every window of every run as one OTLP/JSON `ExportMetricsServiceRequest`
 * line: exactly what `run` would have exported. Lines are written as they
 * come; a `write` that returns a promise (stdout under back-pressure) is
 * awaited before the next.
 * @throws {UsageError} when the input cannot be read or a line is not a request.
 */
export async function runSimulate(config: SimulateConfig, write: (text: string) => void | Promise<void>): Promise<void> {
  const recorded = await readRequestLines(config.inputPath, '--input');
  const { tokenAttribute, untokened, windowMillis } = config.processor;
  const spans = recordedSpanMetrics(recorded.traces, { windowMillis, tokenAttribute, untokened, settings: config.spans });
  await simulate([...recorded.metrics, ...spans.requests], {
    config: withSpanMetricsClipDefaults(config.processor),
    runs: config.runs,
    settingName: offlineSettingName,
    onRelease: ({ request }) => write(`${encodeMetricsRequestJson(request)}\n`),
  });
}
