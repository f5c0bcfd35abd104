import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../src/usage-error.js';
import { assertUsageError, parse } from './support/parse.js';

describe('parseRunConfig: admin endpoint and self-telemetry', () => {
  it('listens on 127.0.0.1:13133 by default, without self-telemetry', () => {
    assert.deepEqual(parse([]).admin, { listen: { host: '127.0.0.1', port: 13133 }, selfTelemetry: undefined });
  });

  it('reads --admin-listen from the flag or its variable, off included', () => {
    assert.equal(parse(['--admin-listen', 'off']).admin.listen, 'off');
    assert.deepEqual(parse(['--admin-listen', '127.0.0.1:0']).admin.listen, { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parse([], { OTEL_DP_ADMIN_LISTEN: '[::1]:9000' }).admin.listen, { host: '::1', port: 9000 });
    assert.deepEqual(parse([], { OTEL_DP_ADMIN_LISTEN: ':9001' }).admin.listen, { host: '0.0.0.0', port: 9001 });
  });

  it('reads the self-telemetry endpoint and interval, adding /v1/metrics to a bare endpoint', () => {
    assert.deepEqual(parse(['--self-telemetry-endpoint', 'http://ops-collector:4318']).admin.selfTelemetry, {
      endpoint: 'http://ops-collector:4318/v1/metrics',
      intervalMillis: 60_000,
    });
    const fromEnv = parse([], { OTEL_DP_SELF_TELEMETRY_ENDPOINT: 'https://ops:443/otlp/v1/metrics', OTEL_DP_SELF_TELEMETRY_INTERVAL: '15s' });
    assert.deepEqual(fromEnv.admin.selfTelemetry, { endpoint: 'https://ops/otlp/v1/metrics', intervalMillis: 15_000 });
  });

  const refused: Array<[string[], Record<string, string>, string]> = [
    [['--admin-listen', 'nowhere'], {}, '--admin-listen is "nowhere"'],
    [[], { OTEL_DP_ADMIN_LISTEN: '127.0.0.1:70000' }, 'OTEL_DP_ADMIN_LISTEN is "127.0.0.1:70000"'],
    [['--admin-listen', '127.0.0.1:4318'], {}, '--admin-listen and --http-listen are both 127.0.0.1:4318: they need different ports'],
    [['--admin-listen', '127.0.0.1:4317'], {}, '--admin-listen and --grpc-listen are both 127.0.0.1:4317'],
    [['--self-telemetry-interval', '50ms', '--self-telemetry-endpoint', 'http://ops:4318'], {}, '--self-telemetry-interval is 50ms, must be at least 100ms'],
    [['--self-telemetry-interval', 'often'], {}, '--self-telemetry-interval is "often", must be a duration'],
    [['--self-telemetry-endpoint', 'ops:4318'], {}, '--self-telemetry-endpoint has scheme ops, must be http or https'],
    [[], { OTEL_DP_SELF_TELEMETRY_ENDPOINT: 'udp://ops:4318' }, 'OTEL_DP_SELF_TELEMETRY_ENDPOINT has scheme udp'],
    [['--self-telemetry-endpoint', 'http://user:pw@ops:4318'], {}, '--self-telemetry-endpoint holds a user name or password'],
    [['--self-telemetry-endpoint', 'http://localhost:4318'], {}, "--self-telemetry-endpoint points at this sidecar's own --http-listen address"],
    [['--self-telemetry-endpoint', 'http://127.0.0.1:13133'], {}, "--self-telemetry-endpoint points at this sidecar's own --admin-listen address"],
  ];
  for (const [args, env, expected] of refused) {
    it(`refuses ${[...args, ...Object.entries(env).map(([k, v]) => `${k}=${v}`)].join(' ')}`, () => assertUsageError(() => parse(args, env), expected));
  }

  it('never quotes the self-telemetry endpoint in a message', () => {
    assert.throws(
      () => parse(['--self-telemetry-endpoint', 'http://user:secret-value@ops:4318']),
      (error: unknown) => error instanceof UsageError && !error.message.includes('secret-value'),
    );
  });
});

describe('parseRunConfig: --log-format', () => {
  it('is json by default, pretty from the flag or its variable, and refuses anything else', () => {
    assert.equal(parse([]).logFormat, 'json');
    assert.equal(parse(['--log-format', 'pretty']).logFormat, 'pretty');
    assert.equal(parse([], { OTEL_DP_LOG_FORMAT: 'pretty' }).logFormat, 'pretty');
    assertUsageError(() => parse(['--log-format', 'xml']), '--log-format is "xml", must be one of json, pretty');
    assertUsageError(() => parse([], { OTEL_DP_LOG_FORMAT: 'text' }), 'OTEL_DP_LOG_FORMAT is "text"');
  });
});
