import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { decodeMetricsRequestJson, type ExportMetricsServiceRequest } from '@otel-dp/otlp';
import { UsageError } from '../usage-error.js';

/**
 * Reads a file of OTLP/JSON `ExportMetricsServiceRequest` objects, one per
 * line, as the collector's file exporter writes them. Blank lines are
 * skipped.
 * @param label the flag the path came from, for messages.
 * @throws {UsageError} when the file cannot be read, or naming the first
 *   line that is not a request (with the decoder's reason, which never
 *   quotes a value from the data).
 */
export async function readRequestLines(path: string, label: string): Promise<ExportMetricsServiceRequest[]> {
  const requests: ExportMetricsServiceRequest[] = [];
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      try {
        requests.push(decodeMetricsRequestJson(line));
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
  return requests;
}
