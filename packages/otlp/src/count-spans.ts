import type { ExportTraceServiceRequest } from './types-traces.js';

/** The spans in a decoded trace request, for receiver counters and partial success. */
export function countSpans(request: ExportTraceServiceRequest): number {
  let n = 0;
  const resources = request.resourceSpans;
  for (let r = 0; r < resources.length; r++) {
    const scopes = resources[r].scopeSpans;
    for (let s = 0; s < scopes.length; s++) n += scopes[s].spans.length;
  }
  return n;
}
