import { createHash } from 'node:crypto';
import { countDataPoints, decodeMetricsRequest, encodeMetricsRequest } from '@otel-dp/otlp';
import { type ExportBatch } from '@otel-dp/pipeline';
import { summaryFromJson, summaryToJson } from './summary-json.js';

/*
 * One queued batch on disk (format version 2):
 *
 *   offset  size  field
 *        0     4  magic "ODPQ"
 *        4     1  format version (2)
 *        5     1  flags: bit 0 = a window summary follows the request
 *        6     2  reserved, zero
 *        8     4  data points in the request (uint32 BE)
 *       12     4  request length R (uint32 BE)
 *       16     4  summary length S (uint32 BE)
 *       20    32  SHA-256 of the R + S bytes that follow the header
 *       52     8  sequence number the batch was queued under (uint64 BE)
 *       60     R  ExportMetricsServiceRequest, OTLP protobuf
 *     60+R     S  WindowSummary, tagged JSON (summary-json.ts)
 *
 * Version 1, written by earlier builds, has no sequence number: its request
 * starts at offset 52. A file whose size is not header + R + S, or whose
 * digest does not match, was cut short or damaged and is skipped. The
 * sequence number lets the queue tell a batch from a copy of its file under
 * another name, which would otherwise be delivered twice.
 */
const MAGIC = Buffer.from('ODPQ', 'latin1');
const VERSION = 2;
const VERSION_WITHOUT_SEQUENCE = 1;
const FLAG_SUMMARY = 1;
/** The shortest header (version 1); the current one is {@link BATCH_FILE_HEADER_BYTES}. */
const MIN_HEADER_BYTES = 52;
export const BATCH_FILE_HEADER_BYTES = 60;

/** What the header says, enough to queue a batch without reading its body. */
export interface BatchFileHeader {
  dataPoints: number;
  /** The size the whole file must have, in bytes. */
  totalBytes: number;
  /** Where the request starts: the header's length. */
  headerBytes: number;
  /** The sequence number the batch was queued under; undefined in a version 1 file. */
  sequence: number | undefined;
  /** SHA-256 of the request and summary, hex: the same batch has the same digest under any name. */
  digest: string;
}

/** The file is not a complete, intact batch file. */
export class BatchFileError extends Error {
  override readonly name = 'BatchFileError';
}

/** Encodes a batch queued under `sequence` as a file body; `dataPoints` is counted once here. */
export function encodeBatchFile(batch: ExportBatch, sequence: number): { bytes: Buffer; dataPoints: number } {
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
  header.writeBigUInt64BE(BigInt(sequence), 52);
  return { bytes: Buffer.concat([header, request, summary]), dataPoints };
}

/** Reads the header; throws {@link BatchFileError} when it is not ours or the sizes cannot hold. */
export function decodeBatchFileHeader(header: Buffer): BatchFileHeader {
  if (header.length < MIN_HEADER_BYTES) throw new BatchFileError(`file is ${header.length} bytes, shorter than the ${MIN_HEADER_BYTES}-byte header`);
  if (!header.subarray(0, 4).equals(MAGIC)) throw new BatchFileError('file does not start with the queue file marker');
  const version = header.readUInt8(4);
  if (version !== VERSION && version !== VERSION_WITHOUT_SEQUENCE) {
    throw new BatchFileError(`file format version is ${version}, this build reads ${VERSION_WITHOUT_SEQUENCE} and ${VERSION}`);
  }
  const headerBytes = version === VERSION ? BATCH_FILE_HEADER_BYTES : MIN_HEADER_BYTES;
  if (header.length < headerBytes) throw new BatchFileError(`file is ${header.length} bytes, shorter than the ${headerBytes}-byte header`);
  return {
    dataPoints: header.readUInt32BE(8),
    totalBytes: headerBytes + header.readUInt32BE(12) + header.readUInt32BE(16),
    headerBytes,
    sequence: version === VERSION ? Number(header.readBigUInt64BE(52)) : undefined,
    digest: header.subarray(20, 52).toString('hex'),
  };
}

/** Decodes a whole file; throws {@link BatchFileError} when it is cut short, damaged or undecodable. */
export function decodeBatchFile(bytes: Buffer): { batch: ExportBatch; dataPoints: number } {
  const header = decodeBatchFileHeader(bytes);
  if (bytes.length !== header.totalBytes) throw new BatchFileError(`file is ${bytes.length} bytes, its header says ${header.totalBytes}`);
  const requestEnd = header.headerBytes + bytes.readUInt32BE(12);
  const request = bytes.subarray(header.headerBytes, requestEnd);
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
