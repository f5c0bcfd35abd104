import {
  PipelineError,
  silentLogger,
  type BatchExporter,
  type ConsumeResult,
  type ExportBatch,
  type ExportMetricsServiceRequest,
  type Lifecycle,
  type Logger,
  type MetricsConsumer,
} from '@otel-dp/otlp';
import { ClipTable, validateDpProcessorConfig, type DpProcessorConfig } from './config.js';
import { CumulativeToDelta } from './cumulative-to-delta.js';
import { describeRefusals, emptyIntakeCounts, takeRequest } from './intake.js';
import { CryptoRandomSource, sampleDiscreteGaussian, sampleDiscreteLaplace, type RandomSource } from './noise/index.js';
import { buildReleaseRequest, describeReleased } from './output.js';
import { releaseWindow, type NoiseSampler, type PublicSeries } from './release.js';
import { calibrateWindow, type WindowCalibration } from './window-calibration.js';
import { windowContaining, type WindowContributions } from './window.js';

export interface DpProcessorOptions {
  /** The only randomness the processor uses (noise and sampling). Default: pooled node:crypto bytes. */
  random?: RandomSource;
  /** Wall clock in milliseconds. Default `Date.now`. */
  now?: () => number;
  logger?: Logger;
  /** Longest wait for pending exports at shutdown, in milliseconds. Default 5000. */
  shutdownTimeoutMillis?: number;
  /** Replaces the noise draws; only for tests of deterministic logic (see `@otel-dp/processor-dp/testing`). */
  noiseSampler?: NoiseSampler;
}

/** Cumulative-input state idle this long is forgotten (the deltatocumulative default), or three windows if longer. */
const MIN_STALE_MILLIS = 5 * 60_000;

/**
 * The DP processor: receives tokened OTLP metrics, holds them in the open
 * tumbling window, and at each window's end releases one (ε, δ)-DP view of
 * it, with the token as the privacy unit (see `window-calibration.ts` for the
 * calibration and `release.ts` for bounding and selection).
 */
export class DpProcessor implements MetricsConsumer, Lifecycle {
  private readonly config: DpProcessorConfig;
  private readonly next: BatchExporter;
  private readonly random: RandomSource;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly shutdownTimeoutMillis: number;
  private readonly sample: NoiseSampler;
  private readonly calibration: WindowCalibration;
  private readonly clip: ClipTable;
  private readonly cumulative: CumulativeToDelta;
  private readonly publicSeries = new Map<string, PublicSeries>();
  private readonly pending = new Set<Promise<void>>();
  private window: WindowContributions;
  private timer: NodeJS.Timeout | undefined;
  private state: 'created' | 'started' | 'stopped' = 'created';

  constructor(config: DpProcessorConfig, next: BatchExporter, options: DpProcessorOptions = {}) {
    validateDpProcessorConfig(config);
    this.config = { ...config, clip: [...config.clip] };
    this.next = next;
    this.random = options.random ?? new CryptoRandomSource();
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger;
    this.shutdownTimeoutMillis = options.shutdownTimeoutMillis ?? 5000;
    const random = this.random;
    this.sample =
      options.noiseSampler ??
      (config.mechanism === 'gaussian' ? (sigma) => sampleDiscreteGaussian(random, sigma) : (scale) => sampleDiscreteLaplace(random, scale));
    this.calibration = calibrateWindow(this.config);
    this.clip = new ClipTable(this.config.clip);
    const startMillis = this.now();
    this.cumulative = new CumulativeToDelta(BigInt(startMillis) * 1_000_000n, Math.max(MIN_STALE_MILLIS, 3 * config.windowMillis));
    this.window = windowContaining(startMillis, config.windowMillis);
  }

  /** The calibration every window uses, for display and planning. */
  get windowCalibration(): WindowCalibration {
    return this.calibration;
  }

  async consume(request: ExportMetricsServiceRequest): Promise<ConsumeResult> {
    if (this.state === 'stopped') {
      throw new PipelineError('PROCESSOR_STOPPED', 'the privacy processor is shutting down', { retryable: true, retryAfterSeconds: 1 });
    }
    const nowMillis = this.now();
    this.rotateIfDue(nowMillis);
    const counts = emptyIntakeCounts();
    const passThrough = takeRequest(
      request,
      {
        tokenAttribute: this.config.tokenAttribute,
        passUntokened: this.config.untokened === 'pass',
        window: this.window,
        cumulative: this.cumulative,
        nowMillis,
      },
      counts,
    );
    if (passThrough !== undefined) this.send({ request: passThrough });
    const { rejected, message } = describeRefusals(counts, this.config.tokenAttribute);
    return { rejectedDataPoints: rejected, errorMessage: message };
  }

  async start(): Promise<void> {
    if (this.state !== 'created') return;
    this.state = 'started';
    this.schedule();
  }

  /**
   * Ends the open window early and releases it, then waits for its export.
   * The rest of that window's interval becomes a new window; both releases
   * count against the privacy budget.
   */
  async flush(): Promise<void> {
    const closing = this.window;
    this.window = windowContaining(this.now(), this.config.windowMillis);
    this.release(closing);
    await Promise.allSettled([...this.pending]);
  }

  async shutdown(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    clearTimeout(this.timer);
    const closing = this.window;
    this.release(closing);
    let timeout: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timeout = setTimeout(resolve, this.shutdownTimeoutMillis);
    });
    await Promise.race([Promise.allSettled([...this.pending]), deadline]);
    clearTimeout(timeout);
  }

  private schedule(): void {
    if (this.state !== 'started') return;
    const wait = Math.max(0, this.window.endMillis - this.now()) + 1;
    this.timer = setTimeout(() => {
      this.rotateIfDue(this.now());
      this.schedule();
    }, wait);
    this.timer.unref();
  }

  private rotateIfDue(nowMillis: number): void {
    if (nowMillis < this.window.endMillis) return;
    const closing = this.window;
    this.window = windowContaining(nowMillis, this.config.windowMillis);
    this.cumulative.sweep(nowMillis);
    this.release(closing);
  }

  private release(window: WindowContributions): void {
    const { released, suppressed } = releaseWindow({
      window,
      publicSeries: this.publicSeries,
      calibration: this.calibration,
      clip: this.clip,
      maxSeriesPerToken: this.config.maxSeriesPerToken,
      random: this.random,
      sample: this.sample,
    });
    if (released.length === 0 && suppressed === 0) return;
    const temporality = this.config.outputTemporality;
    this.logger.debug('window released', { released: released.length, suppressed });
    this.send({
      request: buildReleaseRequest(released, window, temporality),
      summary: {
        windowStartUnixNano: BigInt(window.startMillis) * 1_000_000n,
        windowEndUnixNano: BigInt(window.endMillis) * 1_000_000n,
        mechanism: this.config.mechanism,
        epsilon: this.config.epsilon,
        delta: this.config.delta,
        series: describeReleased(released, temporality),
        suppressedSeries: suppressed,
      },
    });
  }

  private send(batch: ExportBatch): void {
    const attempt = this.next.export(batch).catch((error: unknown) => {
      const code = error instanceof Error && 'code' in error ? String((error as { code: unknown }).code) : 'UNKNOWN';
      this.logger.error('export failed', { code, message: error instanceof Error ? error.message : String(error) });
    });
    this.pending.add(attempt);
    void attempt.finally(() => this.pending.delete(attempt));
  }
}
