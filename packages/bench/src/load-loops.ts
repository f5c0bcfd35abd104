import { performance } from 'node:perf_hooks';
import type { RequestSender, SendOutcome } from './load-clients.js';
import { nextBody, releaseBody, type Payloads } from './payloads.js';
import { percentileOfSorted } from './stats.js';

/** What one bounded stretch of load achieved. */
export interface LoadResult {
  /** Requests answered with success. */
  ok: number;
  /** Requests refused under load (HTTP 429/503, gRPC RESOURCE_EXHAUSTED/UNAVAILABLE). */
  refused: number;
  failed: number;
  /** Open loop only: scheduled requests not sent because `maxInFlight` were still pending. */
  skipped: number;
  /** Data points in the requests answered with success. */
  okPoints: number;
  /** From the first request to the last answer, in ms. */
  elapsedMillis: number;
  /** Latency of successful requests in ms (open loop: from the scheduled start). */
  p50Millis: number;
  p99Millis: number;
  /** CPU time of the load generator over the stretch, as a share of one core. */
  generatorCpu: number;
}

export interface ClosedLoopOptions {
  concurrency: number;
  durationMillis: number;
  /** Upper bound on requests started, whatever the duration. */
  maxRequests: number;
}

export interface OpenLoopOptions {
  ratePerSecond: number;
  durationMillis: number;
  /** Requests pending at once; a scheduled request finding this many is skipped and counted. */
  maxInFlight: number;
}

/** Rotates through the prebuilt bodies so consecutive requests carry different tokens. */
class BodyCycle {
  private next = 0;
  constructor(private readonly payloads: Payloads) {}

  /** The next body to send, and `release` to call once its request is over. */
  take(): { body: Buffer; points: number; release: () => void } {
    const i = this.next;
    this.next = (i + 1) % this.payloads.bodies.length;
    const body = nextBody(this.payloads, i);
    return { body, points: this.payloads.points[i], release: () => releaseBody(this.payloads, i, body) };
  }
}

/** Collects outcomes and latencies into preallocated storage. */
class Tally {
  ok = 0;
  refused = 0;
  failed = 0;
  skipped = 0;
  okPoints = 0;
  private readonly latencies: Float64Array;

  constructor(capacity: number) {
    this.latencies = new Float64Array(capacity);
  }

  record(outcome: SendOutcome, points: number, latencyMillis: number): void {
    if (outcome === 'ok') {
      if (this.ok < this.latencies.length) this.latencies[this.ok] = latencyMillis;
      this.ok++;
      this.okPoints += points;
    } else if (outcome === 'refused') this.refused++;
    else this.failed++;
  }

  result(elapsedMillis: number, cpuMicros: number): LoadResult {
    const sorted = this.latencies.subarray(0, Math.min(this.ok, this.latencies.length)).sort();
    return {
      ok: this.ok,
      refused: this.refused,
      failed: this.failed,
      skipped: this.skipped,
      okPoints: this.okPoints,
      elapsedMillis,
      p50Millis: percentileOfSorted(sorted, 50),
      p99Millis: percentileOfSorted(sorted, 99),
      generatorCpu: elapsedMillis > 0 ? cpuMicros / 1000 / elapsedMillis : NaN,
    };
  }
}

function cpuMicrosSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

/**
 * `concurrency` workers each send, await the answer and send again, until
 * the duration is over or `maxRequests` have started: the saturating rate.
 */
export async function closedLoop(sender: RequestSender, payloads: Payloads, options: ClosedLoopOptions): Promise<LoadResult> {
  const cycle = new BodyCycle(payloads);
  const tally = new Tally(options.maxRequests);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + options.durationMillis;
  let started = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline && started < options.maxRequests) {
      started++;
      const { body, points, release } = cycle.take();
      const sentAt = performance.now();
      const outcome = await sender.send(body);
      tally.record(outcome, points, performance.now() - sentAt);
      release();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return tally.result(performance.now() - start, cpuMicrosSince(cpu));
}

/**
 * Starts requests on a fixed schedule, `ratePerSecond` of them for the
 * duration, whether or not earlier ones were answered. Latency runs from
 * each request's scheduled start, so a stalled server shows in it instead of
 * slowing the schedule down (no coordinated omission).
 */
export async function openLoop(sender: RequestSender, payloads: Payloads, options: OpenLoopOptions): Promise<LoadResult> {
  const total = Math.max(1, Math.round((options.ratePerSecond * options.durationMillis) / 1000));
  const intervalMillis = 1000 / options.ratePerSecond;
  const cycle = new BodyCycle(payloads);
  const tally = new Tally(total);
  const pending = new Set<Promise<void>>();
  const cpu = process.cpuUsage();
  const start = performance.now();
  let issued = 0;

  const fire = (scheduledAt: number): void => {
    const { body, points, release } = cycle.take();
    const done = sender.send(body).then((outcome) => {
      tally.record(outcome, points, performance.now() - scheduledAt);
      release();
    });
    pending.add(done);
    void done.finally(() => pending.delete(done));
  };

  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (issued < total && start + issued * intervalMillis <= now) {
        if (pending.size >= options.maxInFlight) tally.skipped++;
        else fire(start + issued * intervalMillis);
        issued++;
      }
      if (issued >= total) return resolve();
      setTimeout(tick, Math.max(0, start + issued * intervalMillis - performance.now()));
    };
    tick();
  });
  await Promise.all(pending);
  return tally.result(performance.now() - start, cpuMicrosSince(cpu));
}
