import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { crc32, decodePng } from './support/png.js';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** The forward filters of PNG §9.2: what each filter type stores for a byte. */
function filterRow(type: number, row: Uint8Array, previous: Uint8Array, channels: number): Uint8Array {
  const out = new Uint8Array(row.length);
  for (let i = 0; i < row.length; i++) {
    const a = i >= channels ? (row[i - channels] as number) : 0;
    const b = previous[i] as number;
    const c = i >= channels ? (previous[i - channels] as number) : 0;
    const p = a + b - c;
    const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
    const predicted = [0, a, b, (a + b) >> 1, paeth][type] as number;
    out[i] = ((row[i] as number) - predicted) & 0xff;
  }
  return out;
}

/** An 8-bit PNG whose row y uses filter type y mod 5. */
function encodePng(width: number, height: number, channels: 3 | 4, pixels: Uint8Array): Buffer {
  const stride = width * channels;
  const rows: Buffer[] = [];
  let previous: Uint8Array = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    rows.push(Buffer.from([y % 5]), Buffer.from(filterRow(y % 5, row, previous, channels)));
    previous = row;
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = channels === 4 ? 6 : 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Deterministic pixel bytes that vary from byte to byte, so every predictor matters. */
function pixelBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let block = 0; block * 32 < length; block++) {
    const digest = createHash('sha256').update(String(block)).digest();
    out.set(digest.subarray(0, Math.min(32, length - block * 32)), block * 32);
  }
  return out;
}

describe('decodePng', () => {
  for (const channels of [3, 4] as const) {
    it(`decodes ${channels === 3 ? 'RGB' : 'RGBA'} rows under every filter type`, () => {
      const width = 7;
      const height = 10;
      const pixels = pixelBytes(width * height * channels);
      const image = decodePng(encodePng(width, height, channels, pixels));
      assert.equal(image.width, width);
      assert.equal(image.height, height);
      for (let p = 0; p < width * height; p++) {
        for (let k = 0; k < 4; k++) {
          const expected = k < channels ? pixels[p * channels + k] : 255;
          assert.equal(image.data[p * 4 + k], expected, `pixel ${p} channel ${k}`);
        }
      }
    });
  }

  it('refuses a wrong CRC, a truncated file and bit depths it does not read', () => {
    const png = encodePng(2, 2, 3, pixelBytes(12));
    const corrupt = Buffer.from(png);
    corrupt[40] = (corrupt[40] as number) ^ 0xff;
    assert.throws(() => decodePng(corrupt), /wrong CRC|runs past/);
    assert.throws(() => decodePng(png.subarray(0, png.length - 12)), /ends before its IEND/);
    // The same image with a valid IHDR that says 16 bits per channel.
    const header = Buffer.from(png.subarray(16, 29));
    header[8] = 16;
    const sixteenBit = Buffer.concat([png.subarray(0, 8), chunk('IHDR', header), png.subarray(33)]);
    assert.throws(() => decodePng(sixteenBit), /bit depth 16, colour type 2, interlace 0: only 8-bit RGB or RGBA/);
    assert.throws(() => decodePng(Buffer.from('GIF89a')), /signature/);
  });
});
