import { setTimeout as sleep } from 'node:timers/promises';
import { AggregationTemporality } from '@otel-dp/otlp';
import { postMetrics, stringAttribute, sumRequest } from './otlp-requests.js';
import { ROUTE_ATTRIBUTE, scheduledCount, TOKEN_ATTRIBUTE } from './sdk-app.js';

export interface SteadyWorkload {
  /** The sidecar's OTLP/HTTP metrics URL. */
  url: string;
  metric: string;
  tokens: readonly string[];
  routes: readonly string[];
  /** Requests sent, one every `intervalMillis`: the loop's bound. */
  requests: number;
  intervalMillis: number;
}

export interface SteadyWorkloadResult {
  /** What was sent and answered 200 with nothing rejected, per route. */
  truth: Map<string, number>;
  /** Requests answered otherwise, with why; a healthy sidecar leaves this empty. */
  problems: string[];
}

/**
 * Sends `requests` delta requests of `metric`, one every `intervalMillis`
 * (as an SDK with delta temporality exporting on a timer would), each with
 * one point per (token, route) valued by {@link scheduledCount}: at most 9.
 * Each point's start is the previous request's time, so no two overlap.
 */
export async function runSteadyWorkload(workload: SteadyWorkload): Promise<SteadyWorkloadResult> {
  const truth = new Map<string, number>(workload.routes.map((route) => [route, 0]));
  const problems: string[] = [];
  let previousNanos = BigInt(Date.now()) * 1_000_000n;
  const started = performance.now();
  for (let i = 0; i < workload.requests; i++) {
    const nowNanos = BigInt(Date.now()) * 1_000_000n;
    const points = workload.tokens.flatMap((token, t) =>
      workload.routes.map((route, r) => ({
        attributes: [stringAttribute(ROUTE_ATTRIBUTE, route), stringAttribute(TOKEN_ATTRIBUTE, token)],
        value: scheduledCount(t, r, i),
      })),
    );
    const request = sumRequest(
      [{ metric: workload.metric, points, temporality: AggregationTemporality.DELTA, startTimeUnixNano: previousNanos, timeUnixNano: nowNanos }],
      'e2e-steady',
    );
    previousNanos = nowNanos;
    try {
      const result = await postMetrics(workload.url, request, 'protobuf');
      const rejected = result.response?.partialSuccess?.rejectedDataPoints ?? 0n;
      if (result.status !== 200 || rejected !== 0n) {
        problems.push(`request ${i}: HTTP ${result.status}, ${rejected} rejected: ${result.response?.partialSuccess?.errorMessage ?? result.text}`);
      } else {
        workload.tokens.forEach((_, t) => workload.routes.forEach((route, r) => truth.set(route, truth.get(route)! + scheduledCount(t, r, i))));
      }
    } catch (error) {
      problems.push(`request ${i}: ${String(error)}`);
    }
    // Keep to the schedule whatever the requests took.
    const next = started + (i + 1) * workload.intervalMillis;
    await sleep(Math.max(0, next - performance.now()));
  }
  return { truth, problems };
}
