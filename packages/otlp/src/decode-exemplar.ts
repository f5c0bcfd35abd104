import { readKeyValue } from './decode-common.js';
import type { ProtoReader } from './proto-reader.js';
import { WIRE_I64, WIRE_LEN } from './wire-format.js';
import type { Exemplar, KeyValue } from './types.js';

// Decoder for opentelemetry.proto.metrics.v1.Exemplar.

/**
 * The exemplars of every point that has none: most points carry none, and
 * one shared empty list spares an allocation each. Frozen, so it stays empty.
 */
export const NO_EXEMPLARS: Exemplar[] = Object.freeze([]) as unknown as Exemplar[];

/** `exemplars` with `exemplar` added: a new list in place of the shared empty one. */
export function withExemplar(exemplars: Exemplar[], exemplar: Exemplar): Exemplar[] {
  if (exemplars === NO_EXEMPLARS) return [exemplar];
  exemplars.push(exemplar);
  return exemplars;
}

const NO_VALUE = 0;
const DOUBLE_VALUE = 1;
const INT_VALUE = 2;

export function readExemplar(r: ProtoReader): Exemplar {
  const outer = r.enter('Exemplar');
  const filteredAttributes: KeyValue[] = [];
  let timeUnixNano = 0n;
  let valueKind = NO_VALUE;
  let asDouble = 0;
  let asInt = 0n;
  let spanId: Uint8Array | undefined;
  let traceId: Uint8Array | undefined;
  while (r.pos < r.limit) {
    const tag = r.tag('Exemplar');
    switch (tag >>> 3) {
      case 7:
        r.expectWire(tag, WIRE_LEN, 'Exemplar.filtered_attributes');
        filteredAttributes.push(readKeyValue(r, 0));
        break;
      case 2:
        r.expectWire(tag, WIRE_I64, 'Exemplar.time_unix_nano');
        timeUnixNano = r.fixed64('Exemplar.time_unix_nano');
        break;
      case 3:
        r.expectWire(tag, WIRE_I64, 'Exemplar.as_double');
        asDouble = r.double('Exemplar.as_double');
        valueKind = DOUBLE_VALUE;
        break;
      case 6:
        r.expectWire(tag, WIRE_I64, 'Exemplar.as_int');
        asInt = r.sfixed64('Exemplar.as_int');
        valueKind = INT_VALUE;
        break;
      case 4:
        r.expectWire(tag, WIRE_LEN, 'Exemplar.span_id');
        spanId = r.bytes('Exemplar.span_id');
        break;
      case 5:
        r.expectWire(tag, WIRE_LEN, 'Exemplar.trace_id');
        traceId = r.bytes('Exemplar.trace_id');
        break;
      default:
        r.skip(tag, 'Exemplar');
    }
  }
  r.leave(outer);
  spanId ??= new Uint8Array(0);
  traceId ??= new Uint8Array(0);
  if (valueKind === DOUBLE_VALUE) return { filteredAttributes, timeUnixNano, asDouble, spanId, traceId };
  if (valueKind === INT_VALUE) return { filteredAttributes, timeUnixNano, asInt, spanId, traceId };
  return { filteredAttributes, timeUnixNano, spanId, traceId };
}
