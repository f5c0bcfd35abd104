/**
 * Field numbers, in opentelemetry.proto.metrics.v1, of the repeated messages
 * that decoding turns into one object each and that no other limit bounds:
 * ResourceMetrics, ScopeMetrics, Metric, the data points of the five kinds
 * and their exemplars and summary quantiles. Attribute lists are left to the
 * attribute limits.
 */
const REQUEST_RESOURCE_METRICS = 1;
const RESOURCE_METRICS_SCOPE_METRICS = 2;
const SCOPE_METRICS_METRICS = 2;
/** Metric's `data` fields → the field of the point messages' exemplars (or summary quantiles). */
const POINT_CHILDREN_BY_DATA_FIELD = new Map<number, number>([
  [5, 5], // gauge: NumberDataPoint.exemplars
  [7, 5], // sum: NumberDataPoint.exemplars
  [9, 8], // histogram: HistogramDataPoint.exemplars
  [10, 11], // exponential histogram: ExponentialHistogramDataPoint.exemplars
  [11, 6], // summary: SummaryDataPoint.quantile_values
]);
const DATA_POINTS = 1;
/** The same for opentelemetry.proto.trace.v1: ResourceSpans, ScopeSpans, Span. */
const REQUEST_RESOURCE_SPANS = 1;
const RESOURCE_SPANS_SCOPE_SPANS = 2;
const SCOPE_SPANS_SPANS = 2;

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

/**
 * How many ResourceMetrics, ScopeMetrics, Metric, data point, exemplar and
 * quantile messages a protobuf `ExportMetricsServiceRequest` holds, counting
 * no further than just past `limit`. Each becomes an object of 50 to 200
 * bytes when decoded, from as little as 2 bytes on the wire (an empty
 * message), so a request's decoded size is bounded by this count, not by its
 * length.
 *
 * Reads only tags and lengths, keeps nothing, and never throws: at the
 * first malformed framing it returns what it has counted, and the decoder
 * then reports the fault with its place.
 */
export function countMetricsMessages(bytes: Uint8Array, limit: number): number {
  const walker = new FrameWalker(bytes);
  let count = 0;
  walker.fields(0, bytes.length, (field, start, end) => {
    if (field !== REQUEST_RESOURCE_METRICS) return true;
    count++;
    return count <= limit && walker.fields(start, end, (field, start, end) => {
      if (field !== RESOURCE_METRICS_SCOPE_METRICS) return true;
      count++;
      return count <= limit && walker.fields(start, end, (field, start, end) => {
        if (field !== SCOPE_METRICS_METRICS) return true;
        count++;
        return count <= limit && walker.fields(start, end, (field, start, end) => {
          const childField = POINT_CHILDREN_BY_DATA_FIELD.get(field);
          if (childField === undefined) return true;
          return walker.fields(start, end, (field, start, end) => {
            if (field !== DATA_POINTS) return true;
            count++;
            return count <= limit && walker.fields(start, end, (field) => {
              if (field === childField) count++;
              return count <= limit;
            });
          });
        });
      });
    });
  });
  return count;
}

/**
 * How many ResourceSpans, ScopeSpans and Span messages a protobuf
 * `ExportTraceServiceRequest` holds, counting no further than just past
 * `limit`, with the same guarantees as {@link countMetricsMessages}. Events
 * and links are not counted: the decoder skips them without building objects.
 */
export function countTraceMessages(bytes: Uint8Array, limit: number): number {
  const walker = new FrameWalker(bytes);
  let count = 0;
  walker.fields(0, bytes.length, (field, start, end) => {
    if (field !== REQUEST_RESOURCE_SPANS) return true;
    count++;
    return count <= limit && walker.fields(start, end, (field, start, end) => {
      if (field !== RESOURCE_SPANS_SCOPE_SPANS) return true;
      count++;
      return count <= limit && walker.fields(start, end, (field) => {
        if (field === SCOPE_SPANS_SPANS) count++;
        return count <= limit;
      });
    });
  });
  return count;
}

/** Calls for each length-delimited field of a message; stops when a call returns false. */
type FieldVisitor = (field: number, start: number, end: number) => boolean;

class FrameWalker {
  private pos = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** Visits the length-delimited fields in [start, end); false when a visit stopped it or the framing is malformed. */
  fields(start: number, end: number, visit: FieldVisitor): boolean {
    this.pos = start;
    while (this.pos < end) {
      const tag = this.varint(end);
      if (tag < 0) return false;
      const wire = tag % 8;
      if (wire === WIRE_LEN) {
        const length = this.varint(end);
        if (length < 0 || length > end - this.pos) return false;
        const fieldStart = this.pos;
        const fieldEnd = fieldStart + length;
        if (!visit(Math.floor(tag / 8), fieldStart, fieldEnd)) return false;
        this.pos = fieldEnd;
      } else if (wire === WIRE_VARINT) {
        if (this.varint(end) < 0) return false;
      } else if (wire === WIRE_I64) {
        this.pos += 8;
      } else if (wire === WIRE_I32) {
        this.pos += 4;
      } else {
        // Groups and invalid wire types: the decoder refuses or skips them with a message.
        return false;
      }
    }
    return this.pos === end;
  }

  /** A varint's value (exact up to 2^53, enough for a length), or −1 when it runs past `end` or 10 bytes. */
  private varint(end: number): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10 && this.pos < end; i++) {
      const byte = this.bytes[this.pos++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    return -1;
  }
}
