import assert from 'node:assert/strict';
import { adminStatus } from './admin-endpoint.js';
import { goodRequest } from './odd-requests.js';
import { postMetrics } from './otlp-requests.js';
import type { SidecarProcess } from './sidecar-process.js';

/** The metric {@link GoodTraffic} sends; nothing else in a test should use it. */
export const GOOD_METRIC = 'e2e.good.requests';

/**
 * A stream of valid requests sent between bad ones, each from the same
 * `tokens` with value 1, counted so the test can check later that every
 * one of them was released.
 */
export class GoodTraffic {
  /** Requests answered 200 with nothing rejected. */
  sent = 0;

  constructor(readonly tokens: readonly string[]) {}

  /** What the released total of {@link GOOD_METRIC} must be. */
  get expectedTotal(): number {
    return this.sent * this.tokens.length;
  }

  /**
   * Fails unless the sidecar still runs, answers `/healthz` with 200 and
   * accepts a valid request whole.
   */
  async assertStillServing(sidecar: SidecarProcess, after: string): Promise<void> {
    assert.equal(sidecar.exit, undefined, `the sidecar exited after ${after}\n${sidecar.describe()}`);
    assert.equal(await adminStatus(sidecar.adminUrl, '/healthz'), 200, `/healthz after ${after}`);
    const result = await postMetrics(sidecar.httpMetricsUrl, goodRequest(GOOD_METRIC, this.tokens), 'protobuf');
    assert.equal(result.status, 200, `a valid request after ${after} was answered ${result.status}: ${result.text}`);
    assert.equal(result.response?.partialSuccess?.rejectedDataPoints ?? 0n, 0n, `a valid request after ${after} lost points: ${result.response?.partialSuccess?.errorMessage}`);
    this.sent++;
  }
}
