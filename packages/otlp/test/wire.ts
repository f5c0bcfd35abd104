// A small protobuf byte builder for tests, written apart from the codec so
// tests can craft any input, valid or not, without trusting the encoder.

export type Bytes = number[];

export function varint(value: number | bigint): Bytes {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: Bytes = [];
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

export function tag(field: number, wire: number): Bytes {
  return varint((BigInt(field) << 3n) | BigInt(wire));
}

/** A length-delimited field: tag, length, content. */
export function len(field: number, ...content: Bytes[]): Bytes {
  const body = content.flat();
  return [...tag(field, 2), ...varint(body.length), ...body];
}

export function str(field: number, s: string): Bytes {
  return len(field, [...new TextEncoder().encode(s)]);
}

export function uvarint(field: number, value: number | bigint): Bytes {
  return [...tag(field, 0), ...varint(value)];
}

export function fixed64(field: number, value: bigint): Bytes {
  return [...tag(field, 1), ...le64(value)];
}

export function double(field: number, value: number): Bytes {
  return [...tag(field, 1), ...f64le(value)];
}

/** A double's eight little-endian bytes, without a tag (for packed runs). */
export function f64le(value: number): Bytes {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, value, true);
  return [...b];
}

export function le64(value: bigint): Bytes {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
  return [...b];
}

export function bytes(...parts: Bytes[]): Uint8Array {
  return new Uint8Array(parts.flat());
}

/** `inner` wrapped in one length-delimited field per number of `path`, outermost first. */
export function nest(path: readonly number[], inner: Bytes): Bytes {
  let out = inner;
  for (let i = path.length - 1; i >= 0; i--) out = len(path[i], out);
  return out;
}

/** Field paths from ExportMetricsServiceRequest down to a message. */
export const PATH = {
  resourceMetrics: [1],
  resource: [1, 1],
  scopeMetrics: [1, 2],
  scope: [1, 2, 1],
  metric: [1, 2, 2],
  gauge: [1, 2, 2, 5],
  sum: [1, 2, 2, 7],
  histogram: [1, 2, 2, 9],
  exponentialHistogram: [1, 2, 2, 10],
  summary: [1, 2, 2, 11],
  numberPoint: [1, 2, 2, 5, 1],
  histogramPoint: [1, 2, 2, 9, 1],
  exponentialPoint: [1, 2, 2, 10, 1],
  buckets: [1, 2, 2, 10, 1, 8],
  summaryPoint: [1, 2, 2, 11, 1],
  quantile: [1, 2, 2, 11, 1, 6],
  exemplar: [1, 2, 2, 5, 1, 5],
  keyValue: [1, 1, 1],
  anyValue: [1, 1, 1, 2],
} as const;
