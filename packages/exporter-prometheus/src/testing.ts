export { decodeWriteRequest, type Label, type Sample, type TimeSeries, type WriteRequest } from './write-request.js';
export { snappyDecompress, SnappyError } from './snappy.js';
