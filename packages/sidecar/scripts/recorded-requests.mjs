#!/usr/bin/env node
// Writes synthetic recorded traffic for `otel-dp simulate`: one OTLP/JSON
// ExportMetricsServiceRequest per line, one line per one-minute window, each
// with POINTS delta points of http.server.requests spread over 200 tokens
// and 4 routes (/r0 … /r3). Deterministic: values come from counters.
//
//   node scripts/recorded-requests.mjs [WINDOWS] [POINTS] > recorded.jsonl     (defaults: 1 window, 1000 points)
const [windows = 1, points = 1000] = process.argv.slice(2).map(Number);
if (!Number.isInteger(windows) || windows < 1 || !Number.isInteger(points) || points < 1) {
  process.stderr.write('usage: node scripts/recorded-requests.mjs [WINDOWS] [POINTS], both whole numbers of at least 1\n');
  process.exit(2);
}
// A window boundary: 2023-11-14T22:13:00Z.
const FIRST_WINDOW_MILLIS = 1_699_999_980_000;
for (let window = 0; window < windows; window++) {
  const dataPoints = [];
  for (let i = 0; i < points; i++) {
    const time = BigInt(FIRST_WINDOW_MILLIS + window * 60_000 + 1_000 + (i % 50)) * 1_000_000n;
    dataPoints.push({
      asInt: '1',
      startTimeUnixNano: String(time - 1_000_000_000n),
      timeUnixNano: String(time),
      attributes: [
        { key: 'api.token', value: { stringValue: `tok_${i % 200}` } },
        { key: 'http.route', value: { stringValue: `/r${i % 4}` } },
      ],
    });
  }
  const metric = { name: 'http.server.requests', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints } };
  process.stdout.write(`${JSON.stringify({ resourceMetrics: [{ resource: { attributes: [] }, scopeMetrics: [{ scope: { name: 'recorded' }, metrics: [metric] }] }] })}\n`);
}
