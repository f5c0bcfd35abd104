import { setTimeout as sleep } from 'node:timers/promises';
import type { ExportMetricsServiceRequest } from '@otel-dp/otlp';
import { stringAttribute, sumRequest } from './otlp-requests.js';
import { ROUTE_ATTRIBUTE, TOKEN_ATTRIBUTE } from './sdk-app.js';

/**
 * Requests made of many distinct tokens and series, numbered by a counter
 * so every value is distinct and the same on every run.
 */

/** Token number `n`: `tok-flood-` and 8 hex digits. */
export function floodToken(n: number): string {
  return `tok-flood-${n.toString(16).padStart(8, '0')}`;
}

export interface FloodSlice {
  metric: string;
  /** Points `first` … `first + count − 1`. */
  first: number;
  count: number;
  /** Point n's token: a new token per point by default. */
  tokenOf?: (n: number) => string;
  /** Point n's route: one shared route by default (one series), or a new route per point (a new series each). */
  routeOf?: (n: number) => string;
}

/** One delta request holding `count` points of value 1. */
export function floodRequest(slice: FloodSlice): ExportMetricsServiceRequest {
  const now = BigInt(Date.now()) * 1_000_000n;
  const tokenOf = slice.tokenOf ?? floodToken;
  const routeOf = slice.routeOf ?? (() => '/flood');
  const points = Array.from({ length: slice.count }, (_, i) => {
    const n = slice.first + i;
    return { attributes: [stringAttribute(ROUTE_ATTRIBUTE, routeOf(n)), stringAttribute(TOKEN_ATTRIBUTE, tokenOf(n))], value: 1 };
  });
  return sumRequest([{ metric: slice.metric, points, startTimeUnixNano: now - 1_000_000n, timeUnixNano: now }], 'e2e-flood');
}

/**
 * Waits, when the wall clock is within `marginMillis` of the next multiple
 * of `windowMillis`, until that boundary has passed: a test that must stay
 * in one window then has at least the margin before the window rotates.
 */
export async function awayFromWindowEdge(windowMillis: number, marginMillis: number): Promise<void> {
  const untilEdge = windowMillis - (Date.now() % windowMillis);
  if (untilEdge < marginMillis) await sleep(untilEdge + 50);
}

/** Seconds from now to the end of the window of `windowMillis` that holds now. */
export function secondsToWindowEnd(windowMillis: number): number {
  return (windowMillis - (Date.now() % windowMillis)) / 1000;
}
