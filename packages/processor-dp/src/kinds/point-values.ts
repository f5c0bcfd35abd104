import type { NumberDataPoint } from '@otel-dp/otlp';

/**
 * Most buckets of an explicit-bucket histogram point taken. A window holds
 * one entry of buckets + 1 numbers per (token, series), and the bounds are
 * the client's to choose: a 16 MiB request can carry a point of a million
 * buckets, 8 MB for every token that sends one. 1000 buckets (8 kB an
 * entry) is far above the SDKs' defaults of 16 or so.
 */
export const MAX_HISTOGRAM_BUCKETS = 1000;

/**
 * One zeroed vector per width, reused from point to point: a point's values
 * are consumed before the next point is read, so intake allocates none.
 * Widths are bounded (MAX_HISTOGRAM_BUCKETS + 1, or an exponential layout's).
 */
const scratchByWidth: Float64Array[] = [];

/** A zeroed vector of `width` numbers, valid until the next call for that width. */
export function scratch(width: number): Float64Array {
  let vector = scratchByWidth[width];
  if (vector === undefined) vector = scratchByWidth[width] = new Float64Array(width);
  else vector.fill(0);
  return vector;
}

export function numberValue(point: NumberDataPoint): number {
  return point.asDouble ?? (point.asInt === undefined ? 0 : Number(point.asInt));
}
