import { finishesWithin, type ExportBatch } from '@otel-dp/pipeline';

/** A queued batch. `batch` is absent for one replayed from disk until a consumer reads it. */
export interface QueueEntry {
  id: number;
  dataPoints: number;
  batch: ExportBatch | undefined;
  /** The encoded file while it could not be written to the queue directory; the batch is then kept in memory. */
  unsaved?: Buffer;
}

/**
 * The batches waiting for a consumer and the consumers waiting for a batch.
 * A plain array suffices: it holds at most queueSize entries, and a DP
 * release is one batch per window.
 */
export class WaitingBatches {
  private readonly entries: QueueEntry[] = [];
  private readonly wakeups: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private taken = 0;
  private closed = false;

  /** Entries waiting. */
  get size(): number {
    return this.entries.length;
  }

  /** Entries taken and not yet `done()`. */
  get inFlight(): number {
    return this.taken;
  }

  push(entry: QueueEntry): void {
    this.entries.push(entry);
    this.wakeups.shift()?.();
  }

  /** The oldest entry, counted in flight until `done()`; waits when empty; undefined once closed. */
  async take(): Promise<QueueEntry | undefined> {
    for (;;) {
      if (this.closed) return undefined;
      const entry = this.entries.shift();
      if (entry !== undefined) {
        this.taken++;
        return entry;
      }
      this.notifyIfIdle();
      await new Promise<void>((resolve) => this.wakeups.push(resolve));
    }
  }

  /** A taken entry is settled. */
  done(): void {
    this.taken--;
    this.notifyIfIdle();
  }

  /** Resolves once nothing waits and nothing is in flight, or after `millis`. */
  async idle(millis: number): Promise<void> {
    if (this.entries.length === 0 && this.taken === 0) return;
    await finishesWithin(new Promise<void>((resolve) => this.idleWaiters.push(resolve)), millis);
  }

  /** Hands out nothing more, releases waiting consumers, and returns the entries never taken. */
  close(): QueueEntry[] {
    this.closed = true;
    for (const wake of this.wakeups.splice(0)) wake();
    return this.entries.splice(0);
  }

  private notifyIfIdle(): void {
    if (this.entries.length > 0 || this.taken > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
