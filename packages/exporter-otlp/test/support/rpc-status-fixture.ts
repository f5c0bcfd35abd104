/**
 * Protobuf bytes for the trailers a throttling server sends, built field by
 * field because our codec reads google.rpc.Status but has no reason to write
 * RetryInfo. Only what the tests need: varints and length-delimited fields.
 */

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}

function varintField(field: number, value: number): number[] {
  return value === 0 ? [] : [...varint(field << 3), ...varint(value)];
}

function bytesField(field: number, bytes: Uint8Array | number[]): number[] {
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
}

/** google.rpc.RetryInfo { retry_delay: Duration { seconds, nanos } } for a delay in milliseconds. */
export function retryInfoBytes(delayMillis: number): number[] {
  const seconds = Math.floor(delayMillis / 1000);
  const nanos = (delayMillis % 1000) * 1_000_000;
  return bytesField(1, [...varintField(1, seconds), ...varintField(2, nanos)]);
}

/** google.rpc.Status { code, message, details: [Any { type_url, value }] }. */
export function rpcStatusBytes(code: number, message: string, details: { typeUrl: string; value: number[] }[]): Buffer {
  const fields = [...varintField(1, code), ...bytesField(2, Buffer.from(message, 'utf8'))];
  for (const detail of details) {
    fields.push(...bytesField(3, [...bytesField(1, Buffer.from(detail.typeUrl, 'utf8')), ...bytesField(2, detail.value)]));
  }
  return Buffer.from(fields);
}
