import type { ExportMetricsServiceRequest, ExportTraceServiceRequest } from '@otel-dp/otlp';
import {
  PipelineError,
  finishesWithin,
  silentLogger,
  type BatchExporter,
  type ConsumeResult,
  type ExportBatch,
  type BudgetStatus,
  type Lifecycle,
  type Logger,
  type MetricsConsumer,
  type TraceConsumeResult,
  type TraceConsumer,
} from '@otel-dp/pipeline';
import { PrivacyAccountant } from './accounting/index.js';
import { AttributePolicy } from './attribute-policy/index.js';
import {
  DEFAULT_CLIP,
  DEFAULT_CLIP_COUNT,
  fieldName,
  MetricGlobTable,
  resolveDpProcessorConfig,
  type DpProcessorConfig,
  type ResolvedDpProcessorConfig,
  type SettingName,
} from './config.js';
import { describeRefusals, type IntakeCounts } from './intake-counts.js';
import { CryptoRandomSource } from './noise/index.js';
import { PublicValues } from './public-partitions.js';
import type { DpProcessorOptions, WindowOutcome } from './processor-options.js';
import { Releaser } from './releaser.js';
import { ProcessorStats } from './stats.js';
import { validateSpanMetricsOptions } from './span-metrics-options.js';
import { calibrateWindow, type WindowCalibration } from './window-calibration.js';
import { WindowBuffer, type Taken } from './window-buffer.js';
import type { WindowContributions, WindowLimits } from './window.js';

const DEFAULT_MAX_ENTRIES = 1_000_000;
/** Said in partial success while the budget cap withholds windows: the data is taken, and will not be released. */
function budgetSpentMessage(settingName: SettingName): string {
  return `the privacy budget of the horizon (${settingName('maxEpsilonHorizon')}) is spent: this window will be withheld and its data not released, until the horizon rolls past the spent windows`;
}

/**
 * The DP processor: receives tokened OTLP metrics, holds them in the open
 * tumbling window, and at each window's end releases one (ε, δ)-DP view of
 * it, with the token as the privacy unit. It keeps the clock and the budget
 * gate and hands batches on; the window's state is the {@link WindowBuffer}'s,
 * the release's the {@link Releaser}'s (see `window-calibration.ts` for the
 * calibration, `release.ts` for bounding and selection, `accounting/` for
 * composition over time).
 */
export class DpProcessor implements MetricsConsumer, Lifecycle {
  /** Counters for the local admin endpoint; exact, not privatized. */
  readonly stats = new ProcessorStats();
  /**
   * Spans in: each counted span contributes its token's span metrics (see
   * `span-metrics.ts`) to the same window as metrics, so spans and metrics
   * share one budget and one privacy unit. Spans themselves go nowhere.
   * Of a span's attributes only the token and the extra dimensions are read.
   */
  readonly traces: TraceConsumer;
  private readonly config: ResolvedDpProcessorConfig;
  private readonly settingName: SettingName;
  private readonly next: BatchExporter;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly shutdownTimeoutMillis: number;
  private readonly onWindow: (outcome: WindowOutcome) => void;
  private readonly buffer: WindowBuffer;
  private readonly releaser: Releaser;
  private readonly pending = new Set<Promise<void>>();
  private accountant: PrivacyAccountant | undefined;
  /** Releases run one after another, so the budget check and its record never interleave. */
  private releases: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private state: 'created' | 'started' | 'stopped' = 'created';
  private starting: Promise<void> | undefined;
  /** The window {@link windowWillBeWithheld} last answered for, and its answer. */
  private withheldAsked = -1;
  private withheldAhead = false;
  /** Ids of windows handed to release whose spend the accountant has not yet booked or refused. */
  private readonly unbooked = new Set<number>();
  private stopping: Promise<void> | undefined;

  constructor(config: DpProcessorConfig, next: BatchExporter, options: DpProcessorOptions = {}) {
    this.settingName = options.settingName ?? fieldName;
    this.config = resolveDpProcessorConfig(config, this.settingName);
    this.next = next;
    const random = options.random ?? new CryptoRandomSource();
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger;
    this.shutdownTimeoutMillis = options.shutdownTimeoutMillis ?? 5000;
    this.onWindow = options.onWindow ?? (() => {});
    const limits: WindowLimits = {
      maxEntries: options.maxWindowEntries ?? DEFAULT_MAX_ENTRIES,
      maxTokens: this.config.maxTokens,
      maxSeries: this.config.maxSeries,
      maxBytes: this.config.maxWindowBytes,
    };
    const spans = options.spans ?? {};
    validateSpanMetricsOptions({ ...spans, tokenAttribute: this.config.tokenAttribute, untokened: this.config.untokened, timeUnixNano: 0n });
    this.traces = { consume: (request) => this.consumeSpans(request), spanAttributes: [this.config.tokenAttribute, ...(spans.spanDimensions ?? [])] };
    const calibration = calibrateWindow(this.config, this.settingName);
    const publicValues = new PublicValues(this.config.publicAttributes);
    this.releaser = new Releaser({
      config: this.config,
      calibration,
      publicValues,
      maxPublicSeries: limits.maxSeries,
      random,
      sample: options.noiseSampler ?? calibration.noise.sampler(random),
    });
    this.buffer = new WindowBuffer(
      {
        windowMillis: config.windowMillis,
        tokenAttribute: config.tokenAttribute,
        passUntokened: config.untokened === 'pass',
        limits,
        metrics: {
          clip: new MetricGlobTable(this.config.clip.map((rule) => ({ pattern: rule.pattern, value: { lower: rule.lower, upper: rule.upper } })), DEFAULT_CLIP),
          clipCount: new MetricGlobTable(this.config.clipCount.map((rule) => ({ pattern: rule.pattern, value: rule.count })), DEFAULT_CLIP_COUNT),
          gaugeAggregation: new MetricGlobTable(this.config.gaugeAggregation.map((rule) => ({ pattern: rule.pattern, value: rule.aggregation })), 'mean'),
          layout: {
            calibration,
            exponentialScale: this.config.exponentialHistogramScale,
            exponentialMaxBuckets: this.config.exponentialHistogramBuckets,
          },
        },
        policy: new AttributePolicy({ dropAttributes: this.config.dropAttributes, keepAttributes: this.config.keepAttributes }, this.settingName),
        publicValues,
        maxCumulativeStreams: options.maxCumulativeStreams ?? DEFAULT_MAX_ENTRIES,
        spans,
      },
      this.now(),
    );
  }

  /** The calibration every window uses, for display and planning. */
  get windowCalibration(): WindowCalibration {
    return this.releaser.calibration;
  }

  async consume(request: ExportMetricsServiceRequest): Promise<ConsumeResult> {
    const nowMillis = this.admit();
    const { rejected, message } = this.settle(this.buffer.take(request, nowMillis));
    return { rejectedDataPoints: rejected, errorMessage: message };
  }

  /**
   * What a partial success reports as rejected spans: spans without a token
   * (unless untokened data passes), spans that end before they start or
   * last more than a week (the receiver refuses such requests whole; a
   * library caller may not), and counted spans whose span metrics were
   * refused (see {@link WindowBuffer.takeSpans}). Spans of kinds left out
   * are neither counted nor rejected.
   */
  private async consumeSpans(request: ExportTraceServiceRequest): Promise<TraceConsumeResult> {
    const nowMillis = this.admit();
    const taken = this.buffer.takeSpans(request, nowMillis);
    const { spans } = taken;
    const { message } = this.settle(taken);
    const parts: string[] = [];
    let rejected = spans.invalid + spans.refused;
    if (this.config.untokened === 'drop' && spans.untokened > 0) {
      rejected += spans.untokened;
      parts.push(`${spans.untokened} spans without the ${this.config.tokenAttribute} attribute were dropped`);
    }
    if (spans.invalid > 0) parts.push(`${spans.invalid} spans ending before they start or lasting more than a week were dropped`);
    if (spans.refused > 0) parts.push(`${spans.refused} spans were dropped with their span metrics: ${message}`);
    else if (message !== '') parts.push(message);
    return { rejectedSpans: rejected, errorMessage: parts.join('; ') };
  }

  /** The time a request is taken at, once the window it belongs in is open and has room. */
  private admit(): number {
    if (this.state !== 'started') {
      const message = this.state === 'stopped' ? 'the privacy processor is shutting down' : 'the privacy processor has not started';
      throw new PipelineError('PROCESSOR_UNAVAILABLE', message, { retryable: true, retryAfterSeconds: 1 });
    }
    const nowMillis = this.now();
    this.rotateIfDue(nowMillis);
    if (this.buffer.full) {
      this.stats.refusedRequests++;
      const retryAfterSeconds = Math.max(1, Math.ceil((this.buffer.open.endMillis - nowMillis) / 1000));
      throw new PipelineError('WINDOW_FULL', `the open window holds its most tokens, series or (token, series) entries, or its most bytes (${this.settingName('maxWindowBytes')})`, {
        retryable: true,
        reason: 'overloaded',
        retryAfterSeconds,
      });
    }
    return nowMillis;
  }

  /** Forwards what may pass, counts the intake, and says what was refused, with the budget's word on the window. */
  private settle({ passThrough, counts }: Taken): { rejected: number; message: string } {
    if (passThrough !== undefined) this.send({ request: passThrough });
    const { rejected, message } = describeRefusals(counts, this.config.tokenAttribute, this.settingName);
    this.stats.addIntake(counts);
    const withheld = this.windowWillBeWithheld() ? budgetSpentMessage(this.settingName) : undefined;
    return { rejected, message: withheld === undefined ? message : message === '' ? withheld : `${message}; ${withheld}` };
  }

  /**
   * Whether the open window will be withheld because the horizon's budget is
   * spent, asked once per window. It depends on the ledger only (every
   * window is charged, data or not), so saying it reveals nothing of the data.
   */
  private windowWillBeWithheld(): boolean {
    // Windows released but not yet booked are counted as spent; the answer
    // is kept for the window once nothing is pending.
    const { spend } = this.releaser.calibration;
    const window = this.buffer.open;
    if (this.unbooked.size > 0) return !this.accountant!.canSpend(spend, window.endMillis, this.unbooked.size);
    if (this.withheldAsked !== window.id) {
      this.withheldAsked = window.id;
      this.withheldAhead = !this.accountant!.canSpend(spend, window.endMillis);
    }
    return this.withheldAhead;
  }

  /**
   * Opens the budget ledger (refusing to start when a cap is set and it is
   * unusable) and starts the window timer. Concurrent calls share one start;
   * a start after `shutdown()` is refused.
   */
  start(): Promise<void> {
    if (this.stopping !== undefined) return Promise.reject(new Error('the privacy processor was shut down and cannot start again'));
    this.starting ??= this.open();
    return this.starting;
  }

  private async open(): Promise<void> {
    this.accountant = await PrivacyAccountant.open({
      horizonMillis: this.config.budgetHorizonMillis,
      maxEpsilon: this.config.maxEpsilonHorizon,
      stateDir: this.config.stateDir,
      startFreshBudget: this.config.startFreshBudget,
      // A window is booked at its end, which an early release (flush, shutdown) precedes by up to one window.
      stampLeadMillis: this.config.windowMillis,
    }, { logger: this.logger, settingName: this.settingName });
    this.state = 'started';
    this.schedule();
  }

  /**
   * Ends the open window early and releases it, then waits for its export.
   * The rest of that window's interval becomes a new window; both releases
   * count against the privacy budget. Does nothing before `start()` (there
   * is no budget ledger yet) or once shutting down (`shutdown()` releases the
   * open window itself, and a second release would count its data twice).
   */
  async flush(): Promise<void> {
    if (this.state !== 'started') return;
    this.release(this.buffer.close(this.now()));
    await this.settled();
  }

  /**
   * Releases the open window and waits for its export (up to the shutdown
   * timeout), then closes the ledger. Every call returns the same promise; a
   * shutdown during start waits for the start to finish first.
   */
  shutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async stop(): Promise<void> {
    // Only a start still under way is waited for: otherwise the state must
    // change now, before a flush() called right after shutdown() can release.
    if (this.state === 'created') await this.starting?.catch(() => undefined);
    const wasStarted = this.state === 'started';
    this.state = 'stopped';
    clearTimeout(this.timer);
    if (wasStarted) this.release(this.buffer.open);
    await finishesWithin(this.settled(), this.shutdownTimeoutMillis);
    await this.accountant?.close();
  }

  private async settled(): Promise<void> {
    await this.releases;
    await Promise.allSettled([...this.pending]);
  }

  private schedule(): void {
    if (this.state !== 'started') return;
    const wait = Math.max(0, this.buffer.open.endMillis - this.now()) + 1;
    this.timer = setTimeout(() => {
      this.rotateIfDue(this.now());
      this.schedule();
    }, wait);
    this.timer.unref();
  }

  private rotateIfDue(nowMillis: number): void {
    const closing = this.buffer.closeIfDue(nowMillis);
    if (closing !== undefined) this.release(closing);
  }

  /**
   * Queues the window's release for a later turn of the event loop: a
   * request that closed the window by arriving after its end is answered
   * first, rather than waiting while the whole window is bounded and noised.
   */
  private release(window: WindowContributions): void {
    this.unbooked.add(window.id);
    this.releases = this.releases
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => this.releaseNow(window))
      .catch((error: unknown) => {
        this.stats.windowsFailed++;
        this.logFailure('window release failed: nothing of this window was exported', error);
        this.tell(window, 'failed', 0, 0);
      })
      .finally(() => this.unbooked.delete(window.id));
  }

  /**
   * Every window is charged, whether or not it held data: whether to charge
   * must not depend on the data, or the cap itself would leak it.
   */
  private async releaseNow(window: WindowContributions): Promise<void> {
    const accountant = this.accountant!;
    const spend = this.releaser.calibration.spend;
    if (!accountant.canSpend(spend, window.endMillis)) {
      this.unbooked.delete(window.id);
      this.stats.windowsWithheld++;
      this.logger.warn('window withheld: the privacy budget of the horizon is spent', { windowEnd: new Date(window.endMillis).toISOString() });
      this.tell(window, 'withheld', 0, 0);
      return;
    }
    const release = this.releaser.release(window);
    const { finals, suppressed } = release;
    try {
      await accountant.record(spend, window.endMillis);
    } finally {
      this.unbooked.delete(window.id);
    }
    this.stats.windowsReleased++;
    this.stats.seriesReleased += finals.length;
    this.stats.seriesSuppressed += suppressed;
    const waiting = this.releaser.waitingByMetric(window);
    const budget = this.tell(window, 'released', finals.length, suppressed, waiting);
    if (finals.length === 0 && suppressed === 0) return;
    this.logger.debug('window released', { released: finals.length, suppressed });
    this.send(this.releaser.batch(release, budget, waiting));
  }

  /** Reports a closed window to `onWindow`; returns the budget after it. */
  private tell(window: WindowContributions, status: WindowOutcome['status'], released: number, suppressed: number, waiting: { metric: string; series: number }[] = []): BudgetStatus {
    const { spentEpsilon, spentDelta, remainingEpsilon } = this.accountant!.status(window.endMillis);
    const budget = { horizonMillis: this.config.budgetHorizonMillis, spentEpsilon, spentDelta, remainingEpsilon };
    const epsilon = status === 'released' ? this.config.epsilon : 0;
    try {
      const selection = this.releaser.selectionRequirement();
      const outcome: WindowOutcome = { windowStartMillis: window.startMillis, windowEndMillis: window.endMillis, status, epsilon, released, suppressed, waiting, budget };
      if (selection !== undefined) outcome.selection = selection;
      this.onWindow(outcome);
    } catch (error) {
      this.logFailure('window listener failed', error);
    }
    return budget;
  }

  private send(batch: ExportBatch): void {
    const attempt = this.next.export(batch).catch((error: unknown) => this.logFailure('export failed', error));
    this.pending.add(attempt);
    void attempt.finally(() => this.pending.delete(attempt));
  }

  private logFailure(message: string, error: unknown): void {
    const code = error instanceof Error && 'code' in error ? String((error as { code: unknown }).code) : 'UNKNOWN';
    this.logger.error(message, { code, message: error instanceof Error ? error.message : String(error) });
  }
}
