import { inflateSync } from 'node:zlib';

/** A decoded image: `data` holds 4 bytes (R, G, B, A) per pixel, rows top to bottom. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOUR_RGB = 2;
const COLOUR_RGBA = 6;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 of PNG chunks (ISO 3309), over the chunk type and data. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Decodes the PNGs Chromium writes: 8-bit RGB or RGBA, not interlaced,
 * filters 0–4 (PNG specification §7.3, §9). Throws, saying why, on anything else.
 */
export function decodePng(bytes: Uint8Array): RgbaImage {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 8 || !buffer.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG: the signature is missing');
  let offset = 8;
  let header: { width: number; height: number; colourType: number } | undefined;
  const compressed: Buffer[] = [];
  for (;;) {
    if (offset + 12 > buffer.length) throw new Error('PNG ends before its IEND chunk');
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > buffer.length) throw new Error(`PNG chunk ${type} runs past the end of the file`);
    if (crc32(buffer.subarray(offset + 4, offset + 8 + length)) !== buffer.readUInt32BE(offset + 8 + length)) throw new Error(`PNG chunk ${type} has a wrong CRC`);
    const data = buffer.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      const [bitDepth, colourType, , , interlace] = data.subarray(8, 13);
      if (bitDepth !== 8 || (colourType !== COLOUR_RGB && colourType !== COLOUR_RGBA) || interlace !== 0) {
        throw new Error(`PNG with bit depth ${bitDepth}, colour type ${colourType}, interlace ${interlace}: only 8-bit RGB or RGBA without interlace is read`);
      }
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), colourType };
    } else if (type === 'IDAT') {
      compressed.push(data);
    } else if (type === 'IEND') {
      break;
    }
    offset = end;
  }
  if (header === undefined) throw new Error('PNG without IHDR');
  return unfilter(header.width, header.height, header.colourType === COLOUR_RGBA ? 4 : 3, inflateSync(Buffer.concat(compressed)));
}

function unfilter(width: number, height: number, channels: number, raw: Buffer): RgbaImage {
  const stride = width * channels;
  if (raw.length !== height * (stride + 1)) throw new Error(`PNG image data is ${raw.length} bytes, expected ${height * (stride + 1)}`);
  let previous = new Uint8Array(stride);
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? (row[i - channels] as number) : 0;
      const b = previous[i] as number;
      const c = i >= channels ? (previous[i - channels] as number) : 0;
      row[i] = ((line[i] as number) + predict(filter, a, b, c, y)) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 4; k++) data[(y * width + x) * 4 + k] = k < channels ? (row[x * channels + k] as number) : 255;
    }
    previous = row;
  }
  return { width, height, data };
}

/** The predictor of each filter type: none, sub, up, average, Paeth. */
function predict(filter: number, a: number, b: number, c: number, y: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return a;
    case 2:
      return b;
    case 3:
      return (a + b) >> 1;
    case 4: {
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    default:
      throw new Error(`PNG row ${y} has filter type ${filter}, must be 0 to 4`);
  }
}
