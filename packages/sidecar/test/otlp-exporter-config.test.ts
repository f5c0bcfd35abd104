import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertUsageError, exporterKinds, otlpConfig, parse } from './support/parse.js';

describe('parseRunConfig: exporter selection', () => {
  it('uses otlp once an endpoint is set by flag or environment, debug otherwise', () => {
    assert.deepEqual(exporterKinds(parse(['--otlp-endpoint', 'http://backend:4318/v1/metrics'])), ['otlp']);
    assert.deepEqual(exporterKinds(parse([], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://backend:4318' })), ['otlp']);
    assert.deepEqual(exporterKinds(parse(['--exporter', 'debug'], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://backend:4318' })), ['debug']);
    assert.deepEqual(exporterKinds(parse([])), ['debug']);
  });

  it('follows the OpenTelemetry variables for endpoint, protocol and headers', () => {
    const base = otlpConfig(parse([], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://backend:4318' }));
    assert.equal(base.endpoint, 'http://backend:4318/v1/metrics');
    assert.equal(base.protocol, 'http/protobuf');
    const grpc = otlpConfig(parse([], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://backend:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }));
    assert.deepEqual([grpc.endpoint, grpc.protocol], ['http://backend:4317', 'grpc']);
    const perSignal = otlpConfig(
      parse([], {
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://metrics:9000/ingest',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://backend:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
      }),
    );
    assert.deepEqual([perSignal.endpoint, perSignal.protocol], ['http://metrics:9000/ingest', 'http/json']);
    const flagWins = otlpConfig(parse(['--otlp-protocol', 'http/protobuf'], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://b:1', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }));
    assert.equal(flagWins.protocol, 'http/protobuf');
  });

  it('merges header variables and flags; the most specific wins a shared key', () => {
    const config = otlpConfig(
      parse(['--otlp-endpoint', 'http://backend:4318/v1/metrics', '--otlp-header', 'b=flag'], {
        OTEL_EXPORTER_OTLP_HEADERS: 'a=base,b=base,c=base',
        OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'c=metrics',
      }),
    );
    assert.deepEqual(config.headers, { a: 'base', b: 'flag', c: 'metrics' });
    assertUsageError(() => parse([], { OTEL_EXPORTER_OTLP_HEADERS: 'broken' }), 'OTEL_EXPORTER_OTLP_HEADERS: header 1 of 1 has no "="');
  });
});

describe('parseRunConfig: an endpoint that is the sidecar itself', () => {
  const refused: Array<[string[], Record<string, string>]> = [
    [['--otlp-endpoint', 'http://127.0.0.1:4318/v1/metrics'], {}],
    [['--otlp-endpoint', 'http://localhost:4318/v1/metrics'], {}],
    [['--otlp-endpoint', 'http://[::1]:4318/v1/metrics'], {}],
    [['--otlp-endpoint', 'http://LOCALHOST.:4318/v1/metrics'], {}],
    [['--otlp-endpoint', 'http://localhost:4317', '--otlp-protocol', 'grpc'], {}],
    [['--grpc-listen', '[::1]:4400', '--otlp-endpoint', 'http://127.0.0.1:4400', '--otlp-protocol', 'grpc'], {}],
    [['--http-listen', ':8080', '--otlp-endpoint', 'http://10.1.2.3:8080/v1/metrics'], {}],
    [['--http-listen', '0.0.0.0:8080', '--otlp-endpoint', 'http://sidecar-host:8080/v1/metrics'], {}],
    [['--http-listen', '[::]:80', '--otlp-endpoint', 'http://localhost/v1/metrics'], {}],
    [[], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' }],
  ];
  for (const [args, env] of refused) {
    it(`refuses ${[...args, ...Object.entries(env).map(([k, v]) => `${k}=${v}`)].join(' ')}`, () => {
      assertUsageError(() => parse(args, env), "points at this sidecar's own");
    });
  }

  it('names the listener and where the endpoint came from', () => {
    assertUsageError(
      () => parse([], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' }),
      "OTEL_EXPORTER_OTLP_ENDPOINT points at this sidecar's own --http-listen address (port 4318)",
    );
  });

  const allowed: string[][] = [
    ['--otlp-endpoint', 'http://127.0.0.1:4319/v1/metrics'],
    ['--otlp-endpoint', 'http://backend:4318/v1/metrics'],
    ['--http-listen', '127.0.0.1:0', '--otlp-endpoint', 'http://127.0.0.1:80/v1/metrics'],
    ['--http-listen', '10.1.2.3:8080', '--otlp-endpoint', 'http://127.0.0.1:8080/v1/metrics'],
    ['--http-listen', 'off', '--otlp-endpoint', 'http://127.0.0.1:4318/v1/metrics'],
    ['--exporter', 'debug', '--otlp-endpoint', 'http://127.0.0.1:4318/v1/metrics'],
  ];
  for (const args of allowed) {
    it(`allows ${args.join(' ')}`, () => assert.doesNotThrow(() => parse(args)));
  }
});
