/*
 * prometheus.WriteRequest (prompb/remote.proto, types.proto; remote write
 * 1.0), the fields we send:
 *
 *   WriteRequest { repeated TimeSeries timeseries = 1; }
 *   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
 *   Label        { string name = 1; string value = 2; }
 *   Sample       { double value = 1; int64 timestamp = 2; }   // milliseconds
 *
 * Metadata (3), exemplars and native histograms are not sent.
 */

export interface Label {
  name: string;
  value: string;
}

export interface Sample {
  /** NaN when `stale`. */
  value: number;
  /** Milliseconds since the Unix epoch. */
  timestampMillis: bigint;
  /**
   * Prometheus' staleness marker: the series ended. Sent as the NaN with bit
   * pattern 0x7ff0000000000002, which JavaScript numbers cannot be trusted
   * to carry, hence a flag.
   */
  stale?: true;
}

/** One series: labels sorted by name, `__name__` among them; samples in time order. */
export interface TimeSeries {
  labels: Label[];
  samples: Sample[];
}

export interface WriteRequest {
  timeseries: TimeSeries[];
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/** Prometheus' stale NaN (model/value.StaleNaN), little-endian as it goes on the wire. */
const STALE_NAN_BYTES = Uint8Array.of(0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f);

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes a WriteRequest as protobuf (before snappy compression). */
export function encodeWriteRequest(request: WriteRequest): Uint8Array {
  const out = new ByteWriter();
  for (const series of request.timeseries) {
    const body = new ByteWriter();
    for (const label of series.labels) {
      const labelBody = new ByteWriter();
      labelBody.stringField(1, label.name);
      labelBody.stringField(2, label.value);
      body.bytesField(1, labelBody.finish());
    }
    for (const sample of series.samples) {
      const sampleBody = new ByteWriter();
      if (sample.stale === true) sampleBody.fixed64Field(1, STALE_NAN_BYTES);
      else sampleBody.doubleField(1, sample.value);
      sampleBody.int64Field(2, sample.timestampMillis);
      body.bytesField(2, sampleBody.finish());
    }
    out.bytesField(1, body.finish());
  }
  return out.finish();
}

/** Decodes a WriteRequest, skipping fields it does not know; throws on malformed input. */
export function decodeWriteRequest(bytes: Uint8Array): WriteRequest {
  const timeseries: TimeSeries[] = [];
  forEachField(bytes, (field, reader) => {
    if (field !== 1) return false;
    const series: TimeSeries = { labels: [], samples: [] };
    forEachField(reader.bytes(), (seriesField, seriesReader) => {
      if (seriesField === 1) {
        const label: Label = { name: '', value: '' };
        forEachField(seriesReader.bytes(), (labelField, labelReader) => {
          if (labelField === 1) label.name = decoder.decode(labelReader.bytes());
          else if (labelField === 2) label.value = decoder.decode(labelReader.bytes());
          else return false;
          return true;
        });
        series.labels.push(label);
        return true;
      }
      if (seriesField === 2) {
        const sample: Sample = { value: 0, timestampMillis: 0n };
        forEachField(seriesReader.bytes(), (sampleField, sampleReader) => {
          if (sampleField === 1) {
            const bits = sampleReader.fixed64();
            if (bits.every((byte, index) => byte === STALE_NAN_BYTES[index])) sample.stale = true;
            sample.value = new DataView(bits.buffer, bits.byteOffset, 8).getFloat64(0, true);
          }
          else if (sampleField === 2) sample.timestampMillis = BigInt.asIntN(64, sampleReader.varint());
          else return false;
          return true;
        });
        series.samples.push(sample);
        return true;
      }
      return false;
    });
    timeseries.push(series);
    return true;
  });
  return { timeseries };
}

/** Appends protobuf fields to a growing buffer. */
class ByteWriter {
  private buffer = new Uint8Array(64);
  private length = 0;

  stringField(field: number, value: string): void {
    this.bytesField(field, encoder.encode(value));
  }

  bytesField(field: number, value: Uint8Array): void {
    this.smallVarint((field << 3) | WIRE_LENGTH_DELIMITED);
    this.smallVarint(value.length);
    this.reserve(value.length).set(value, this.length - value.length);
  }

  doubleField(field: number, value: number): void {
    this.smallVarint((field << 3) | WIRE_FIXED64);
    const at = this.length;
    this.reserve(8);
    new DataView(this.buffer.buffer, this.buffer.byteOffset + at, 8).setFloat64(0, value, true);
  }

  fixed64Field(field: number, bytes: Uint8Array): void {
    this.smallVarint((field << 3) | WIRE_FIXED64);
    this.reserve(8).set(bytes, this.length - 8);
  }

  int64Field(field: number, value: bigint): void {
    this.smallVarint((field << 3) | WIRE_VARINT);
    this.varint(BigInt.asUintN(64, value));
  }

  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  /** Tags and lengths: non-negative and below 2^31, so plain number arithmetic suffices. */
  private smallVarint(value: number): void {
    let rest = value;
    while (rest >= 0x80) {
      this.reserve(1)[this.length - 1] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    this.reserve(1)[this.length - 1] = rest;
  }

  private varint(value: bigint): void {
    let rest = value;
    while (rest >= 0x80n) {
      this.reserve(1)[this.length - 1] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.reserve(1)[this.length - 1] = Number(rest);
  }

  /** Grows the buffer by `n` bytes and returns it. */
  private reserve(n: number): Uint8Array {
    if (this.length + n > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.length += n;
    return this.buffer;
  }
}

/** Reads the value of one field; the callback must read it (or return false to have it skipped). */
class FieldReader {
  constructor(
    private readonly source: Uint8Array,
    public pos: number,
    private readonly wireType: number,
  ) {}

  bytes(): Uint8Array {
    this.expect(WIRE_LENGTH_DELIMITED);
    const length = Number(this.varint());
    if (this.pos + length > this.source.length) throw new Error('length-delimited field runs past the end');
    const value = this.source.subarray(this.pos, this.pos + length);
    this.pos += length;
    return value;
  }

  /** The 8 bytes of a double or fixed64 field, as they are on the wire. */
  fixed64(): Uint8Array {
    this.expect(WIRE_FIXED64);
    if (this.pos + 8 > this.source.length) throw new Error('fixed64 field is cut short');
    const bytes = this.source.subarray(this.pos, this.pos + 8);
    this.pos += 8;
    return bytes;
  }

  varint(): bigint {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.source.length) throw new Error('varint is cut short');
      const byte = this.source[this.pos++];
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, value);
    }
    throw new Error('varint is longer than 10 bytes');
  }

  skip(): void {
    if (this.wireType === WIRE_VARINT) this.varint();
    else if (this.wireType === WIRE_FIXED64) this.pos += 8;
    else if (this.wireType === WIRE_LENGTH_DELIMITED) this.bytes();
    else if (this.wireType === WIRE_FIXED32) this.pos += 4;
    else throw new Error(`wire type ${this.wireType} is not supported`);
    if (this.pos > this.source.length) throw new Error('field runs past the end');
  }

  private expect(wireType: number): void {
    if (this.wireType !== wireType) throw new Error(`wire type ${this.wireType} where ${wireType} was expected`);
  }
}

function forEachField(bytes: Uint8Array, visit: (field: number, reader: FieldReader) => boolean): void {
  const reader = new FieldReader(bytes, 0, WIRE_VARINT);
  while (reader.pos < bytes.length) {
    const key = Number(reader.varint());
    const field = new FieldReader(bytes, reader.pos, key & 7);
    if (!visit(key >>> 3, field)) field.skip();
    reader.pos = field.pos;
  }
}
