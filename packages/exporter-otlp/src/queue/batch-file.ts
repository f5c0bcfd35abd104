import { createHash } from 'node:crypto';
import { countDataPoints, decodeMetricsRequest, encodeMetricsRequest, type ExportBatch } from '@otel-dp/otlp';
import { summaryFromJson, summaryToJson } from './summary-json.js';

/*
 * One queued batch on disk:
 *
 *   offset  size  field
 *        0     4  magic "ODPQ"
 *        4     1  format version (1)
 *        5     1  flags: bit 0 = a window summary follows the request
 *        6     2  reserved, zero
 *        8     4  data points in the request (uint32 BE)
 *       12     4  request length R (uint32 BE)
 *       16     4  summary length S (uint32 BE)
 *       20    32  SHA-256 of the R + S bytes that follow
 *       52     R  ExportMetricsServiceRequest, OTLP protobuf
 *     52+R     S  WindowSummary, tagged JSON (summary-json.ts)
 *
 * A file whose size is not 52 + R + S, or whose digest does not match, was
 * cut short or damaged and is skipped.
 */
const MAGIC = Buffer.from('ODPQ', 'latin1');
const VERSION = 1;
const FLAG_SUMMARY = 1;
export const BATCH_FILE_HEADER_BYTES = 52;

/** What the header says, enough to queue a batch without reading its body. */
export interface BatchFileHeader {
  dataPoints: number;
  /** The size the whole file must have, in bytes. */
  totalBytes: number;
}

/** The file is not a complete, intact batch file. */
export class BatchFileError extends Error {
  override readonly name = 'BatchFileError';
}

/** Encodes a batch as a file body; `dataPoints` is counted once here. */
export function encodeBatchFile(batch: ExportBatch): { bytes: Buffer; dataPoints: number } {
  const request = encodeMetricsRequest(batch.request);
  const summary = batch.summary === undefined ? Buffer.alloc(0) : Buffer.from(summaryToJson(batch.summary), 'utf8');
  const dataPoints = countDataPoints(batch.request);
  const header = Buffer.alloc(BATCH_FILE_HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt8(VERSION, 4);
  header.writeUInt8(batch.summary === undefined ? 0 : FLAG_SUMMARY, 5);
  header.writeUInt32BE(Math.min(dataPoints, 0xffff_ffff), 8);
  header.writeUInt32BE(request.byteLength, 12);
  header.writeUInt32BE(summary.byteLength, 16);
  createHash('sha256').update(request).update(summary).digest().copy(header, 20);
  return { bytes: Buffer.concat([header, request, summary]), dataPoints };
}

/** Reads the header; throws {@link BatchFileError} when it is not ours or the sizes cannot hold. */
export function decodeBatchFileHeader(header: Buffer): BatchFileHeader {
  if (header.length < BATCH_FILE_HEADER_BYTES) throw new BatchFileError(`file is ${header.length} bytes, shorter than the ${BATCH_FILE_HEADER_BYTES}-byte header`);
  if (!header.subarray(0, 4).equals(MAGIC)) throw new BatchFileError('file does not start with the queue file marker');
  const version = header.readUInt8(4);
  if (version !== VERSION) throw new BatchFileError(`file format version is ${version}, this build reads ${VERSION}`);
  return {
    dataPoints: header.readUInt32BE(8),
    totalBytes: BATCH_FILE_HEADER_BYTES + header.readUInt32BE(12) + header.readUInt32BE(16),
  };
}

/** Decodes a whole file; throws {@link BatchFileError} when it is cut short, damaged or undecodable. */
export function decodeBatchFile(bytes: Buffer): { batch: ExportBatch; dataPoints: number } {
  const header = decodeBatchFileHeader(bytes);
  if (bytes.length !== header.totalBytes) throw new BatchFileError(`file is ${bytes.length} bytes, its header says ${header.totalBytes}`);
  const requestEnd = BATCH_FILE_HEADER_BYTES + bytes.readUInt32BE(12);
  const request = bytes.subarray(BATCH_FILE_HEADER_BYTES, requestEnd);
  const summary = bytes.subarray(requestEnd);
  const digest = createHash('sha256').update(request).update(summary).digest();
  if (!digest.equals(bytes.subarray(20, 52))) throw new BatchFileError('file content does not match its checksum');
  const hasSummary = (bytes.readUInt8(5) & FLAG_SUMMARY) !== 0;
  try {
    const batch: ExportBatch = { request: decodeMetricsRequest(request) };
    if (hasSummary) batch.summary = summaryFromJson(summary.toString('utf8'));
    return { batch, dataPoints: header.dataPoints };
  } catch (error) {
    throw new BatchFileError(`file content does not decode: ${(error as Error).message}`);
  }
}
