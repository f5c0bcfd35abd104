import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMetricsRequest, type ExportMetricsServiceRequest } from '@otel-dp/otlp';

/*
 * The persistent export queue's batch files, read as the exporter-otlp
 * README documents them: `<sequence>.batch`, a header whose bytes 0–3 are
 * "ODPQ", byte 4 the format version (2: a 60-byte header, 1: 52 bytes) and
 * 12–15 the request length R (uint32 big-endian), then R bytes of OTLP
 * protobuf. Reading them lets a test know which windows were
 * on disk when the process died.
 */
const MAGIC = 'ODPQ';
const HEADER_BYTES: Readonly<Record<number, number>> = { 1: 52, 2: 60 };
const REQUEST_LENGTH_OFFSET = 12;

/** One complete batch file: its path and the request it holds. */
export interface QueuedBatchFile {
  path: string;
  request: ExportMetricsServiceRequest;
}

/** Every `*.batch` file under `dir` (any depth), in sequence order; `.tmp` files (writes in progress) are not read. */
export function queuedBatchFiles(dir: string): QueuedBatchFile[] {
  return batchPaths(dir).map((path) => {
    const bytes = readFileSync(path);
    if (bytes.subarray(0, 4).toString('latin1') !== MAGIC) throw new Error(`${path} does not start with the queue file marker`);
    const header = HEADER_BYTES[bytes.readUInt8(4)];
    if (header === undefined) throw new Error(`${path} has format version ${bytes.readUInt8(4)}`);
    const length = bytes.readUInt32BE(REQUEST_LENGTH_OFFSET);
    return { path, request: decodeMetricsRequest(bytes.subarray(header, header + length)) };
  });
}

/** How many `*.batch` files `dir` holds (any depth); 0 when it does not exist yet. */
export function queuedBatchCount(dir: string): number {
  return batchPaths(dir).length;
}

function batchPaths(dir: string): string[] {
  const paths: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return paths;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) paths.push(...batchPaths(path));
    else if (entry.name.endsWith('.batch')) paths.push(path);
  }
  // Sequence numbers are zero-padded, so names sort in queue order within a directory.
  return paths.sort();
}
