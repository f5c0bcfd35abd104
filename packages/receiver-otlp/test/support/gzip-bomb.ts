import { gzipSync } from 'node:zlib';

/**
 * `mebibytes` MiB of zeros as gzip, about 1 KiB on the wire per MiB. It is a
 * chain of gzip members (RFC 1952 §2.2 allows several in one stream) made of
 * one compressed MiB repeated, so building a 1 GiB bomb costs milliseconds
 * rather than compressing a gigabyte.
 */
export function gzipBomb(mebibytes: number): Buffer {
  const member = gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
  return Buffer.concat(Array.from({ length: mebibytes }, () => member));
}
