import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveOtlpExporterEndpoint } from '../src/index.js';

const BOTH = { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://metrics:4318/custom', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318' };

test('the explicit endpoint wins over the environment', () => {
  assert.equal(resolveOtlpExporterEndpoint({ endpoint: 'http://flag:4318/v1/metrics', protocol: 'http/protobuf', env: BOTH }), 'http://flag:4318/v1/metrics');
});

test('the per-signal variable is used as is', () => {
  assert.equal(resolveOtlpExporterEndpoint({ protocol: 'http/protobuf', env: BOTH }), 'http://metrics:4318/custom');
  assert.equal(resolveOtlpExporterEndpoint({ protocol: 'grpc', env: BOTH }), 'http://metrics:4318/custom');
});

test('the base variable gets v1/metrics appended for http/*', () => {
  const resolve = (base: string): string | undefined =>
    resolveOtlpExporterEndpoint({ protocol: 'http/json', env: { OTEL_EXPORTER_OTLP_ENDPOINT: base } });
  assert.equal(resolve('http://collector:4318'), 'http://collector:4318/v1/metrics');
  assert.equal(resolve('http://collector:4318/'), 'http://collector:4318/v1/metrics');
  assert.equal(resolve('https://gateway.example/otlp'), 'https://gateway.example/otlp/v1/metrics');
  assert.equal(resolve('https://gateway.example/otlp/'), 'https://gateway.example/otlp/v1/metrics');
});

test('the base variable is used as is for grpc', () => {
  assert.equal(resolveOtlpExporterEndpoint({ protocol: 'grpc', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317' } }), 'http://collector:4317');
});

test('empty values count as unset; nothing set gives undefined', () => {
  assert.equal(
    resolveOtlpExporterEndpoint({ endpoint: '', protocol: 'http/protobuf', env: { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: ' ', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318' } }),
    'http://base:4318/v1/metrics',
  );
  assert.equal(resolveOtlpExporterEndpoint({ protocol: 'http/protobuf', env: {} }), undefined);
});
