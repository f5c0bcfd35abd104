import type { Logger, MetricsConsumer } from '@otel-dp/pipeline';
import type { ReceiverLimits } from './config.js';
import type { InflightBytes, InflightHold } from './inflight-bytes.js';
import type { AttributeLimits } from './limits.js';
import type { TransportCounters } from './receiver-stats.js';
import type { ReceiverSettingName } from './config.js';
import type { BodyFormat, SignalName } from './signal-name.js';

/** What one listener needs to handle its requests. */
export interface ExchangeContext {
  consumer: MetricsConsumer;
  /** The signals served, metrics first. */
  signals: readonly OtlpSignal[];
  /** The limits, with what clients are told they are called. */
  limits: ReceiverLimits & { settingName: ReceiverSettingName };
  attributeLimits: AttributeLimits;
  /** This transport's counters. */
  counters: TransportCounters;
  /** The bytes held by requests in flight, shared by both listeners. */
  inflight: InflightBytes;
  logger: Logger;
}

/** How far an Export got, for the counters when it fails: the items (points or spans) decoded, 0 before that. */
export interface ExportProgress {
  items: number;
}

/** A served Export's answer: the encoded response and the items a partial success rejected. */
export interface SignalAnswer {
  encoded: Uint8Array | string;
  rejected: number;
}

/** One OTLP signal the receiver serves: where, and how a body becomes an answer. */
export interface OtlpSignal {
  readonly name: SignalName;
  readonly httpPath: string;
  readonly grpcPath: string;
  /**
   * Decodes a body within the limits, hands it to the signal's consumer and
   * encodes the answer in the body's format; sets `progress.items` once decoded.
   */
  exportBody(body: Uint8Array, format: BodyFormat, context: ExchangeContext, hold: InflightHold, progress: ExportProgress): Promise<SignalAnswer>;
}
