// Measures AttributePolicy.filter on the per-point path against a bare loop
// over the same attributes, and the cost of an uncached verdict. Not part of
// the test suite (the name does not end in .test.ts); run it after a build:
//
//   node packages/processor-dp/dist/test/attribute-policy/filter-benchmark.js

import type { KeyValue } from '@otel-dp/otlp';
import { AttributePolicy, looksLikeCredential } from '../../src/attribute-policy/index.js';

const CALLS = 2_000_000;
const DISTINCT_LISTS = 100;
const COLD_VALUES = 50_000;

/** Point attributes as an HTTP server instrumentation sends them: 5 keys, a few hundred distinct values. */
function pointAttributes(index: number): KeyValue[] {
  return [
    { key: 'http.route', value: { stringValue: `/api/v1/users/{id}/orders/${index % 20}` } },
    { key: 'http.request.method', value: { stringValue: index % 3 === 0 ? 'POST' : 'GET' } },
    { key: 'http.response.status_code', value: { intValue: 200n } },
    { key: 'server.address', value: { stringValue: 'checkout-service.production.svc.cluster.local' } },
    { key: 'k8s.pod.name', value: { stringValue: `api-7d9f8b6c5d-x2k${index % 10}q` } },
  ];
}

/** Nanoseconds per call of `run` over the lists, after one warm-up pass. */
function nanosPerCall(lists: KeyValue[][], run: (attributes: KeyValue[]) => unknown): number {
  for (let i = 0; i < CALLS / 10; i++) run(lists[i % lists.length]);
  const started = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) run(lists[i % lists.length]);
  return Number(process.hrtime.bigint() - started) / CALLS;
}

/** What any per-point code pays at least: touching every key once. */
function bareLoop(attributes: KeyValue[]): number {
  let long = 0;
  for (let i = 0; i < attributes.length; i++) if (attributes[i].key.length > 64) long++;
  return long;
}

const lists = Array.from({ length: DISTINCT_LISTS }, (_, index) => pointAttributes(index));
const policy = new AttributePolicy({ dropAttributes: ['client.address'], keepAttributes: [] });
const unchanged = lists.every((attributes) => policy.filter(attributes) === attributes);

const baseline = nanosPerCall(lists, bareLoop);
const filtered = nanosPerCall(lists, (attributes) => policy.filter(attributes));

const coldValues = Array.from({ length: COLD_VALUES }, (_, index) => `/api/v1/users/${index}/orders/checkout-${index * 7}`);
const coldStarted = process.hrtime.bigint();
for (const value of coldValues) looksLikeCredential(value);
const coldNanos = Number(process.hrtime.bigint() - coldStarted) / COLD_VALUES;

console.log(`clean lists returned unchanged: ${unchanged}`);
console.log(`bare loop over 5 attributes:     ${baseline.toFixed(0)} ns per list`);
console.log(`AttributePolicy.filter (warm):   ${filtered.toFixed(0)} ns per list`);
console.log(`uncached verdict (route value):  ${(coldNanos / 1000).toFixed(1)} µs`);
