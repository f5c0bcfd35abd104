import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { decodeMetricsRequestJson, decodeTraceRequestJson, type ExportMetricsServiceRequest, type ExportTraceServiceRequest } from '@otel-dp/otlp';
import { UsageError } from '../usage-error.js';

/** The requests of a recorded file, by signal. */
export interface RecordedRequests {
  metrics: ExportMetricsServiceRequest[];
  traces: ExportTraceServiceRequest[];
}

/**
 * Reads a file of OTLP/JSON requests, one per line, as the collector's file
 * exporter writes them: `ExportMetricsServiceRequest` and
 * `ExportTraceServiceRequest` lines, in any mix, told apart per line by
 * their top-level field (`resourceMetrics` or `resourceSpans`; a line with
 * neither is an empty metrics request). Blank lines are skipped.
 * @param label the flag the path came from, for messages.
 * @throws {UsageError} when the file cannot be read, or naming the first
 *   line that is not a request (with the decoder's reason, which never
 *   quotes a value from the data).
 */
export async function readRequestLines(path: string, label: string): Promise<RecordedRequests> {
  const recorded: RecordedRequests = { metrics: [], traces: [] };
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      try {
        if (isTraceLine(line)) recorded.traces.push(decodeTraceRequestJson(line));
        else recorded.metrics.push(decodeMetricsRequestJson(line));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new UsageError(`${label} ${path}, line ${lineNumber}: ${reason}`, { cause: error });
      }
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${label} ${path} cannot be read${code === undefined ? '' : ` (${code})`}`, { cause: error });
  } finally {
    lines.close();
    stream.destroy();
  }
  return recorded;
}

/**
 * Whether a line is a trace request: its top level has `resourceSpans` and
 * no `resourceMetrics`. A line that is not JSON is left to the metrics
 * decoder, which says where it breaks.
 * @throws {Error} for a line holding both, which no exporter writes.
 */
function isTraceLine(line: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  const spans = Object.hasOwn(parsed, 'resourceSpans');
  if (spans && Object.hasOwn(parsed, 'resourceMetrics')) throw new Error('the line holds both resourceMetrics and resourceSpans; write one request per line');
  return spans;
}
