import type { ExporterHealth } from '@otel-dp/admin';
import type { ExportQueueStats } from '@otel-dp/exporter-helper';
import type { BatchExporter, ExportBatch, Lifecycle } from '@otel-dp/pipeline';

/**
 * An export running longer than this is reported as a backend that is slow
 * or unreachable, in milliseconds: the first retry of the default schedule
 * comes after 5 s.
 */
const SLOW_EXPORT_MILLIS = 10_000;

/**
 * Wraps the exporter a queue hands batches to, and remembers how its last
 * exports went, for the status page. It adds nothing on the way: the batch
 * and the outcome pass through as they are.
 */
export class ObservedExporter implements BatchExporter, Lifecycle {
  private lastSentMillis: number | undefined;
  private lastFailure: { millis: number; code: string } | undefined;
  /** Start times of the exports in progress, by a per-export id. */
  private readonly running = new Map<number, number>();
  private nextId = 0;

  constructor(
    private readonly inner: BatchExporter & Partial<Lifecycle>,
    private readonly now: () => number = Date.now,
  ) {}

  async export(batch: ExportBatch): Promise<void> {
    const id = this.nextId++;
    this.running.set(id, this.now());
    try {
      await this.inner.export(batch);
      this.lastSentMillis = this.now();
      this.lastFailure = undefined;
    } catch (error) {
      this.lastFailure = { millis: this.now(), code: errorCode(error) };
      throw error;
    } finally {
      this.running.delete(id);
    }
  }

  async start(): Promise<void> {
    await this.inner.start?.();
  }

  async shutdown(): Promise<void> {
    await this.inner.shutdown?.();
  }

  /**
   * Healthy unless the last export was given up, one has been running for
   * more than 10 s (the backend is slow or unreachable and retries go on), or
   * the queue is full (new windows are dropped).
   */
  health(queue: ExportQueueStats): ExporterHealth {
    const nowMillis = this.now();
    const waiting = `${queue.queueSize} of ${queue.queueCapacity} windows waiting`;
    if (queue.queueSize >= queue.queueCapacity) {
      return { name: queue.exporter, healthy: false, detail: `queue full, new windows are dropped; ${waiting}` };
    }
    // With no export running this is Infinity, and the test below fails.
    const oldest = Math.min(...this.running.values());
    if (nowMillis - oldest > SLOW_EXPORT_MILLIS) {
      return { name: queue.exporter, healthy: false, detail: `a window has been sending for ${seconds(nowMillis - oldest)} (retrying); ${waiting}` };
    }
    if (this.lastFailure !== undefined) {
      const { millis, code } = this.lastFailure;
      return { name: queue.exporter, healthy: false, detail: `last window given up ${seconds(nowMillis - millis)} ago (${code}); ${waiting}` };
    }
    const sent = this.lastSentMillis === undefined ? 'no window sent yet' : `last window sent ${seconds(nowMillis - this.lastSentMillis)} ago`;
    return { name: queue.exporter, healthy: true, detail: `${sent}; ${waiting}` };
  }
}

function seconds(millis: number): string {
  return `${Math.max(0, Math.round(millis / 1000))} s`;
}

// Codes only: an error message may quote what a backend answered.
function errorCode(error: unknown): string {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? code : 'UNKNOWN';
}
