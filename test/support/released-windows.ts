import assert from 'node:assert/strict';
import type { ExportMetricsServiceRequest } from '@otel-dp/otlp';

/** A release window as its points carry it: [start, end) in Unix nanoseconds. */
export interface WindowRange {
  startUnixNano: bigint;
  endUnixNano: bigint;
}

/**
 * The window one released request holds. With `--output-temporality delta`
 * every point of a release starts at its window's start and ends at its
 * end, so the range identifies the window; a request whose points disagree
 * fails the test.
 */
export function windowOfRequest(request: ExportMetricsServiceRequest): WindowRange {
  const ranges = new Set<string>();
  let range: WindowRange | undefined;
  for (const rm of request.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        const points = m.sum?.dataPoints ?? m.gauge?.dataPoints ?? m.histogram?.dataPoints ?? m.exponentialHistogram?.dataPoints ?? [];
        for (const point of points) {
          range = { startUnixNano: point.startTimeUnixNano, endUnixNano: point.timeUnixNano };
          ranges.add(windowText(range));
        }
      }
    }
  }
  assert.ok(range !== undefined, 'a released request holds no data point');
  assert.equal(ranges.size, 1, `one request holds points of several windows: ${[...ranges].join(', ')}`);
  return range;
}

/** `2024-05-01T12:00:01.000Z–2024-05-01T12:00:02.000Z`, for messages and as a map key. */
export function windowText(range: WindowRange): string {
  const iso = (nanos: bigint) => new Date(Number(nanos / 1_000_000n)).toISOString();
  return `${iso(range.startUnixNano)}–${iso(range.endUnixNano)}`;
}

/**
 * Fails unless `ranges` (in arrival order) are consecutive windows of
 * `windowMillis`, each exactly once: none twice, none missing between the
 * first and the last, in order.
 */
export function assertConsecutiveWindows(ranges: readonly WindowRange[], windowMillis: number): void {
  const length = BigInt(windowMillis) * 1_000_000n;
  assert.ok(ranges.length > 0, 'no window arrived');
  const texts = ranges.map(windowText);
  assert.equal(new Set(texts).size, texts.length, `a window arrived twice:\n${texts.join('\n')}`);
  ranges.forEach((range, i) => {
    assert.equal(range.endUnixNano - range.startUnixNano, length, `window ${windowText(range)} is not ${windowMillis} ms long`);
    if (i > 0) {
      assert.equal(range.startUnixNano, ranges[i - 1].endUnixNano, `after ${texts[i - 1]} came ${texts[i]}: a window is missing or out of order\n${texts.join('\n')}`);
    }
  });
}
