/** Polls `condition` every 5 ms; rejects naming `what` after `timeoutMillis`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMillis = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMillis;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMillis} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The `http.server.requests` value of a sampleRequest(marker): tells the batches of one test apart. */
export function markerOf(request: { resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<{ sum?: { dataPoints: Array<{ asInt?: bigint }> } }> }> }> }): number {
  const value = request.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.sum?.dataPoints[0]?.asInt;
  if (value === undefined) throw new Error('request carries no marker');
  return Number(value);
}
