import { writeInstrumentationScope, writeKeyValues, writeResource } from './encode-common.js';
import {
  writeExponentialHistogramDataPoint,
  writeHistogramDataPoint,
  writeNumberDataPoint,
  writeSummaryDataPoint,
} from './encode-points.js';
import type { ProtoWriter } from './proto-writer.js';
import type { Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics } from './types.js';
import { fieldTag, WIRE_LEN, WIRE_VARINT } from './wire-format.js';

// Encoders for the metric containers of opentelemetry.proto.metrics.v1.

const RESOURCE = fieldTag(1, WIRE_LEN);
const SCOPE_METRICS = fieldTag(2, WIRE_LEN);
const SCHEMA_URL = fieldTag(3, WIRE_LEN);

export function writeResourceMetrics(w: ProtoWriter, rm: ResourceMetrics): void {
  if (rm.resource !== undefined) {
    w.varint32(RESOURCE);
    const start = w.fork();
    writeResource(w, rm.resource);
    w.join(start);
  }
  const scopes = rm.scopeMetrics;
  for (let i = 0; i < scopes.length; i++) {
    w.varint32(SCOPE_METRICS);
    const start = w.fork();
    writeScopeMetrics(w, scopes[i]);
    w.join(start);
  }
  if (rm.schemaUrl !== '') {
    w.varint32(SCHEMA_URL);
    w.string(rm.schemaUrl);
  }
}

const SCOPE = fieldTag(1, WIRE_LEN);
const METRICS = fieldTag(2, WIRE_LEN);

function writeScopeMetrics(w: ProtoWriter, sm: ScopeMetrics): void {
  if (sm.scope !== undefined) {
    w.varint32(SCOPE);
    const start = w.fork();
    writeInstrumentationScope(w, sm.scope);
    w.join(start);
  }
  const metrics = sm.metrics;
  for (let i = 0; i < metrics.length; i++) {
    w.varint32(METRICS);
    const start = w.fork();
    writeMetric(w, metrics[i]);
    w.join(start);
  }
  if (sm.schemaUrl !== '') {
    w.varint32(SCHEMA_URL);
    w.string(sm.schemaUrl);
  }
}

const NAME = fieldTag(1, WIRE_LEN);
const DESCRIPTION = fieldTag(2, WIRE_LEN);
const UNIT = fieldTag(3, WIRE_LEN);
const GAUGE = fieldTag(5, WIRE_LEN);
const SUM = fieldTag(7, WIRE_LEN);
const HISTOGRAM = fieldTag(9, WIRE_LEN);
const EXPONENTIAL_HISTOGRAM = fieldTag(10, WIRE_LEN);
const SUMMARY = fieldTag(11, WIRE_LEN);
const METADATA = fieldTag(12, WIRE_LEN);
const DATA_POINTS = fieldTag(1, WIRE_LEN);
const AGGREGATION_TEMPORALITY = fieldTag(2, WIRE_VARINT);
const IS_MONOTONIC = fieldTag(3, WIRE_VARINT);

/** A Metric body; of its data members only the first set is written (one on valid input). */
function writeMetric(w: ProtoWriter, m: Metric): void {
  if (m.name !== '') {
    w.varint32(NAME);
    w.string(m.name);
  }
  if (m.description !== '') {
    w.varint32(DESCRIPTION);
    w.string(m.description);
  }
  if (m.unit !== '') {
    w.varint32(UNIT);
    w.string(m.unit);
  }
  if (m.gauge !== undefined) {
    w.varint32(GAUGE);
    const start = w.fork();
    writeNumberDataPoints(w, m.gauge.dataPoints);
    w.join(start);
  } else if (m.sum !== undefined) {
    w.varint32(SUM);
    const start = w.fork();
    writeNumberDataPoints(w, m.sum.dataPoints);
    writeTemporality(w, m.sum.aggregationTemporality);
    if (m.sum.isMonotonic) {
      w.varint32(IS_MONOTONIC);
      w.varint32(1);
    }
    w.join(start);
  } else if (m.histogram !== undefined) {
    w.varint32(HISTOGRAM);
    const start = w.fork();
    const points = m.histogram.dataPoints;
    for (let i = 0; i < points.length; i++) {
      w.varint32(DATA_POINTS);
      const point = w.fork();
      writeHistogramDataPoint(w, points[i]);
      w.join(point);
    }
    writeTemporality(w, m.histogram.aggregationTemporality);
    w.join(start);
  } else if (m.exponentialHistogram !== undefined) {
    w.varint32(EXPONENTIAL_HISTOGRAM);
    const start = w.fork();
    const points = m.exponentialHistogram.dataPoints;
    for (let i = 0; i < points.length; i++) {
      w.varint32(DATA_POINTS);
      const point = w.fork();
      writeExponentialHistogramDataPoint(w, points[i]);
      w.join(point);
    }
    writeTemporality(w, m.exponentialHistogram.aggregationTemporality);
    w.join(start);
  } else if (m.summary !== undefined) {
    w.varint32(SUMMARY);
    const start = w.fork();
    const points = m.summary.dataPoints;
    for (let i = 0; i < points.length; i++) {
      w.varint32(DATA_POINTS);
      const point = w.fork();
      writeSummaryDataPoint(w, points[i]);
      w.join(point);
    }
    w.join(start);
  }
  writeKeyValues(w, METADATA, m.metadata);
}

function writeNumberDataPoints(w: ProtoWriter, points: NumberDataPoint[]): void {
  for (let i = 0; i < points.length; i++) {
    w.varint32(DATA_POINTS);
    const start = w.fork();
    writeNumberDataPoint(w, points[i]);
    w.join(start);
  }
}

function writeTemporality(w: ProtoWriter, temporality: number): void {
  if (temporality !== 0) {
    w.varint32(AGGREGATION_TEMPORALITY);
    w.int32(temporality);
  }
}
