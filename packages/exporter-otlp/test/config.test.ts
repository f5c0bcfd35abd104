import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RETRY, ExporterError } from '@otel-dp/exporter-helper';
import { OtlpExporter, type OtlpExporterConfig } from '../src/index.js';

const VALID: OtlpExporterConfig = {
  endpoint: 'http://127.0.0.1:4318/v1/metrics',
  protocol: 'http/protobuf',
  headers: {},
  compression: 'gzip',
  timeoutMillis: 5000,
  retry: DEFAULT_RETRY,
};

function assertInvalid(config: OtlpExporterConfig, pattern: RegExp): void {
  assert.throws(
    () => new OtlpExporter(config),
    (error: unknown) => error instanceof ExporterError && error.code === 'EXPORT_CONFIG_INVALID' && pattern.test(error.message),
  );
}

test('a valid configuration constructs for every protocol', async () => {
  for (const protocol of ['grpc', 'http/protobuf', 'http/json'] as const) {
    const exporter = new OtlpExporter({ ...VALID, protocol, endpoint: protocol === 'grpc' ? 'http://127.0.0.1:4317' : VALID.endpoint });
    await exporter.start();
    await exporter.shutdown();
  }
});

test('invalid configurations fail at construction with a message naming the field', () => {
  assertInvalid({ ...VALID, endpoint: 'not a url' }, /endpoint is not a valid URL/);
  assertInvalid({ ...VALID, endpoint: 'ftp://host/v1/metrics' }, /endpoint scheme is ftp:, must be http: or https:/);
  assertInvalid({ ...VALID, protocol: 'grpc', endpoint: 'http://host:4317/v1/metrics' }, /endpoint path \/v1\/metrics is not allowed for grpc/);
  assertInvalid({ ...VALID, protocol: 'thrift' as never }, /protocol is "thrift", must be one of grpc, http\/protobuf, http\/json/);
  assertInvalid({ ...VALID, compression: 'zstd' as never }, /compression is "zstd", must be gzip or none/);
  assertInvalid({ ...VALID, timeoutMillis: -1 }, /timeoutMillis is -1, must be zero or positive/);
  assertInvalid({ ...VALID, retry: { ...DEFAULT_RETRY, initialIntervalMillis: 0 } }, /retry.initialIntervalMillis is 0, must be positive/);
  assertInvalid({ ...VALID, retry: { ...DEFAULT_RETRY, maxIntervalMillis: 1000 } }, /retry.maxIntervalMillis is 1000, must be at least retry.initialIntervalMillis \(5000\)/);
  assertInvalid({ ...VALID, retry: { ...DEFAULT_RETRY, multiplier: 0.5 } }, /retry.multiplier is 0.5, must be at least 1/);
  assertInvalid({ ...VALID, retry: { ...DEFAULT_RETRY, randomizationFactor: 2 } }, /retry.randomizationFactor is 2, must be between 0 and 1/);
  assertInvalid({ ...VALID, retry: { ...DEFAULT_RETRY, maxElapsedMillis: Number.NaN } }, /retry.maxElapsedMillis is NaN/);
  assertInvalid({ ...VALID, headers: { 'content-type': 'text/plain' } }, /header content-type is set by the exporter/);
  assertInvalid({ ...VALID, headers: { 'bad name': 'x' } }, /a header name is not a valid HTTP header name/);
  assertInvalid({ ...VALID, protocol: 'grpc', endpoint: 'http://host:4317', headers: { 'trace-bin': 'x' } }, /binary \(-bin\) gRPC metadata is not supported/);
});

test('a header value with a line break is refused without quoting it', () => {
  assert.throws(
    () => new OtlpExporter({ ...VALID, headers: { authorization: 'Bearer s3cr3t\r\nx: y' } }),
    (error: unknown) => error instanceof ExporterError && /header authorization has a value with a line break/.test(error.message) && !error.message.includes('s3cr3t'),
  );
});

test('a negative shutdown deadline is refused', () => {
  assert.throws(
    () => new OtlpExporter(VALID, { shutdownTimeoutMillis: -1 }),
    (error: unknown) => error instanceof ExporterError && /shutdownTimeoutMillis is -1/.test(error.message),
  );
});
