import type { IntakeCounts } from './intake-counts.js';

/**
 * The processor's own counters. They are exact sums over all tokens, not
 * privatized: they belong on the local admin endpoint, never next to the
 * released data.
 */
export class ProcessorStats {
  /** Tokened data points taken into a window. */
  acceptedPoints = 0;
  /** Data points refused, by reason (`untokened`, `summary`, `nan`, …). */
  readonly refusedPoints = new Map<string, number>();
  /** Whole requests refused with a retryable answer because the window was full. */
  refusedRequests = 0;
  /** Attributes removed by the attribute policy, by reason. */
  readonly droppedAttributes = new Map<string, number>();
  windowsReleased = 0;
  /** Windows not released because the horizon's budget cap was reached. */
  windowsWithheld = 0;
  /** Windows whose release failed (the budget ledger could not be written, …): nothing of them was exported. */
  windowsFailed = 0;
  seriesReleased = 0;
  seriesSuppressed = 0;

  addIntake(counts: IntakeCounts): void {
    this.acceptedPoints += counts.tokened - counts.summaries - counts.notANumber - counts.unspecifiedTemporality - counts.malformed - counts.tooManyBuckets - counts.overCapacity - counts.overWindowBytes - counts.tokenInSeries;
    add(this.refusedPoints, 'untokened', counts.untokened);
    add(this.refusedPoints, 'summary', counts.summaries);
    add(this.refusedPoints, 'nan', counts.notANumber);
    add(this.refusedPoints, 'unspecified_temporality', counts.unspecifiedTemporality);
    add(this.refusedPoints, 'malformed', counts.malformed);
    add(this.refusedPoints, 'too_many_buckets', counts.tooManyBuckets);
    add(this.refusedPoints, 'over_capacity', counts.overCapacity);
    add(this.refusedPoints, 'over_window_bytes', counts.overWindowBytes);
    add(this.refusedPoints, 'credential_identity', counts.credentialIdentity);
    add(this.refusedPoints, 'token_in_series', counts.tokenInSeries);
    for (const [reason, count] of counts.droppedAttributes) add(this.droppedAttributes, reason, count);
  }
}

function add(map: Map<string, number>, key: string, count: number): void {
  if (count > 0) map.set(key, (map.get(key) ?? 0) + count);
}
