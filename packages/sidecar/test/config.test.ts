import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_QUEUE_SIZE, DEFAULT_RETRY } from '@otel-dp/exporter-helper';
import {
  DEFAULT_BUDGET_HORIZON_MILLIS,
  DEFAULT_DP_CONFIG,
  DEFAULT_EXPONENTIAL_BUCKETS,
  DEFAULT_EXPONENTIAL_SCALE,
  DEFAULT_MAX_SERIES,
  DEFAULT_MAX_WINDOW_BYTES,
  DEFAULT_MAX_TOKENS,
} from '@otel-dp/processor-dp';
import { DEFAULT_RECEIVER_CONFIG } from '@otel-dp/receiver-otlp';
import { UsageError } from '../src/usage-error.js';
import { assertUsageError, otlpConfig, parse } from './support/parse.js';

describe('parseRunConfig: defaults', () => {
  it('gives the components their own defaults and the debug exporter', () => {
    const config = parse([]);
    assert.deepEqual(config.receiver, DEFAULT_RECEIVER_CONFIG);
    assert.deepEqual(config.processor, {
      ...DEFAULT_DP_CONFIG,
      exponentialHistogramScale: DEFAULT_EXPONENTIAL_SCALE,
      exponentialHistogramBuckets: DEFAULT_EXPONENTIAL_BUCKETS,
      maxTokens: DEFAULT_MAX_TOKENS,
      maxSeries: DEFAULT_MAX_SERIES,
      maxWindowBytes: DEFAULT_MAX_WINDOW_BYTES,
      budgetHorizonMillis: DEFAULT_BUDGET_HORIZON_MILLIS,
      counterProjection: 'monotone',
      undeclaredSeries: 'select',
      exportStdErr: false,
    });
    assert.deepEqual(config.delivery, { exporters: [{ kind: 'debug' }], queueSize: DEFAULT_QUEUE_SIZE, queueDir: undefined });
    assert.deepEqual(config.admin, { listen: { host: '127.0.0.1', port: 13133 }, selfTelemetry: undefined });
    assert.equal(config.logLevel, 'info');
    assert.equal(config.logFormat, 'json');
  });
});

/** Validation checks that TLS files can be read, so the flags name files that exist (their contents are read only at start). */
const TLS_DIR = mkdtempSync(join(tmpdir(), 'otel-dp-tls-'));
for (const name of ['cert.pem', 'key.pem', 'ca.pem']) writeFileSync(join(TLS_DIR, name), 'not read during validation\n');

describe('parseRunConfig: flags', () => {
  it('reads every flag', () => {
    const config = parse([
      '--http-listen', '127.0.0.1:0',
      '--grpc-listen', 'off',
      '--max-request-bytes', '1024',
      '--max-gzip-ratio', '12.5',
      '--max-attributes-per-point', '16',
      '--max-attribute-value-length', '256',
      '--max-messages-per-request', '5000',
      '--max-inflight-bytes', '4096',
      '--max-connections', '50',
      '--grpc-max-concurrent-streams', '8',
      '--grpc-max-connection-idle', '30s',
      '--grpc-keepalive-time', '1m',
      '--grpc-keepalive-timeout', '5s',
      '--grpc-keepalive-min-time', '10s',
      '--tls-cert', `${TLS_DIR}/cert.pem`,
      '--tls-key', `${TLS_DIR}/key.pem`,
      '--tls-client-ca', `${TLS_DIR}/ca.pem`,
      '--window', '10s',
      '--epsilon', '0.5',
      '--delta', '1e-9',
      '--mechanism', 'laplace',
      '--max-series-per-token', '3',
      '--clip', 'http.server.*=0:100',
      '--clip', 'db.*=0:5',
      '--token-attribute', 'tenant.key',
      '--untokened', 'pass',
      '--output-temporality', 'delta',
      '--clip-count', 'rpc.*=20',
      '--gauge-aggregation', 'queue.depth=sum',
      '--public-attribute', 'http.route=/users,/orders',
      '--public-attribute', 'http.route=/health',
      '--public-attribute', 'region=eu',
      '--drop-attribute', 'host.name',
      '--keep-attributes', 'http.route, region',
      '--keep-attributes', 'service.name',
      '--exp-histogram-scale', '-2',
      '--exp-histogram-buckets', '80',
      '--max-tokens', '500',
      '--max-series', '600',
      '--max-window-bytes', '1048576',
      '--budget-horizon', '1h',
      '--max-epsilon-horizon', '24',
      '--state-dir', '/var/lib/otel-dp',
      '--counter-projection', 'none',
      '--undeclared-series', 'drop',
      '--export-stderr', 'true',
      '--start-fresh-budget', 'yes',
      '--otlp-endpoint', 'https://backend.example:4318/v1/metrics',
      '--otlp-protocol', 'http/json',
      '--otlp-header', 'x-team=core',
      '--otlp-header', 'authorization=Bearer%20abc',
      '--otlp-compression', 'none',
      '--otlp-timeout', '2s',
      '--log-level', 'debug',
    ]);
    assert.deepEqual(config.receiver, {
      httpListen: { host: '127.0.0.1', port: 0 },
      grpcListen: 'off',
      maxRequestBytes: 1024,
      maxGzipRatio: 12.5,
      maxAttributesPerPoint: 16,
      maxAttributeValueLength: 256,
      maxMessagesPerRequest: 5000,
      maxInflightBytes: 4096,
      maxConnections: 50,
      grpcMaxConcurrentStreams: 8,
      grpcMaxConnectionIdleMs: 30_000,
      grpcKeepaliveTimeMs: 60_000,
      grpcKeepaliveTimeoutMs: 5000,
      grpcKeepaliveMinTimeMs: 10_000,
      tls: { certFile: `${TLS_DIR}/cert.pem`, keyFile: `${TLS_DIR}/key.pem`, clientCaFile: `${TLS_DIR}/ca.pem` },
    });
    assert.deepEqual(config.processor, {
      windowMillis: 10_000,
      tokenAttribute: 'tenant.key',
      untokened: 'pass',
      maxSeriesPerToken: 3,
      clip: [
        { pattern: 'http.server.*', lower: 0, upper: 100 },
        { pattern: 'db.*', lower: 0, upper: 5 },
      ],
      mechanism: 'laplace',
      epsilon: 0.5,
      delta: 1e-9,
      outputTemporality: 'delta',
      clipCount: [{ pattern: 'rpc.*', count: 20 }],
      gaugeAggregation: [{ pattern: 'queue.depth', aggregation: 'sum' }],
      publicAttributes: { 'http.route': ['/users', '/orders', '/health'], region: ['eu'] },
      dropAttributes: ['host.name'],
      keepAttributes: ['http.route', 'region', 'service.name'],
      exponentialHistogramScale: -2,
      exponentialHistogramBuckets: 80,
      maxTokens: 500,
      maxSeries: 600,
      maxWindowBytes: 1_048_576,
      budgetHorizonMillis: 3_600_000,
      maxEpsilonHorizon: 24,
      stateDir: '/var/lib/otel-dp',
      counterProjection: 'none',
      undeclaredSeries: 'drop',
      exportStdErr: true,
      startFreshBudget: true,
    });
    assert.deepEqual(otlpConfig(config), {
      endpoint: 'https://backend.example:4318/v1/metrics',
      protocol: 'http/json',
      headers: { 'x-team': 'core', authorization: 'Bearer abc' },
      compression: 'none',
      timeoutMillis: 2_000,
      retry: DEFAULT_RETRY,
    });
    assert.equal(config.logLevel, 'debug');
  });

  it('accepts --flag=value', () => {
    assert.equal(parse(['--epsilon=2']).processor.epsilon, 2);
  });
});

describe('parseRunConfig: environment', () => {
  it('reads OTEL_DP_* variables, comma-separated lists for repeatable flags', () => {
    const config = parse([], {
      OTEL_DP_EPSILON: '0.25',
      OTEL_DP_MAX_SERIES_PER_TOKEN: '4',
      OTEL_DP_WINDOW: '1m30s',
      OTEL_DP_HTTP_LISTEN: '[::1]:0',
      OTEL_DP_CLIP: 'a.*=0:1, b=0:2',
      OTEL_DP_LOG_LEVEL: 'warn',
    });
    assert.equal(config.processor.epsilon, 0.25);
    assert.equal(config.processor.maxSeriesPerToken, 4);
    assert.equal(config.processor.windowMillis, 90_000);
    assert.deepEqual(config.receiver.httpListen, { host: '::1', port: 0 });
    assert.deepEqual(config.processor.clip, [
      { pattern: 'a.*', lower: 0, upper: 1 },
      { pattern: 'b', lower: 0, upper: 2 },
    ]);
    assert.equal(config.logLevel, 'warn');
  });

  it('separates public attributes in their variable with semicolons, as their values hold commas', () => {
    const config = parse([], { OTEL_DP_PUBLIC_ATTRIBUTE: 'http.route=/a,/b; region=eu,us', OTEL_DP_DROP_ATTRIBUTE: 'host.name,pod' });
    assert.deepEqual(config.processor.publicAttributes, { 'http.route': ['/a', '/b'], region: ['eu', 'us'] });
    assert.deepEqual(config.processor.dropAttributes, ['host.name', 'pod']);
  });

  it('lets a flag win over its variable, and treats an empty variable as unset', () => {
    const config = parse(['--epsilon', '3', '--clip', 'x=0:9'], { OTEL_DP_EPSILON: '0.1', OTEL_DP_CLIP: 'y=0:1', OTEL_DP_DELTA: '' });
    assert.equal(config.processor.epsilon, 3);
    assert.deepEqual(config.processor.clip, [{ pattern: 'x', lower: 0, upper: 9 }]);
    assert.equal(config.processor.delta, DEFAULT_DP_CONFIG.delta);
  });

  it('refuses an OTEL_DP_* variable that names no flag', () => {
    assertUsageError(() => parse([], { OTEL_DP_EPSILOM: '1' }), 'OTEL_DP_EPSILOM is set but names no flag');
  });

  it('names the variable when its value is invalid', () => {
    assertUsageError(() => parse([], { OTEL_DP_EPSILON: 'lots' }), 'OTEL_DP_EPSILON is "lots", must be a number');
    assertUsageError(() => parse([], { OTEL_DP_MAX_SERIES_PER_TOKEN: '0' }), '--max-series-per-token is 0, must be at least 1', '(set by OTEL_DP_MAX_SERIES_PER_TOKEN)');
    assertUsageError(() => parse([], { OTEL_DP_HTTP_LISTEN: 'nowhere' }), 'OTEL_DP_HTTP_LISTEN is "nowhere"');
  });
});

describe('parseRunConfig: invalid values name the flag', () => {
  const cases: Array<[string[], string]> = [
    [['--http-listen', 'localhost'], '--http-listen is "localhost", must be host:port or off'],
    [['--grpc-listen', '127.0.0.1:99999'], '--grpc-listen is "127.0.0.1:99999"'],
    [['--max-request-bytes', '0'], '--max-request-bytes is 0, must be at least 1'],
    [['--max-request-bytes', '1.5'], '--max-request-bytes is "1.5", must be a whole number'],
    [['--max-request-bytes', '3000000000'], '--max-request-bytes is 3000000000, must be a whole number from 1 to 2147483647'],
    [['--max-gzip-ratio', '0.5'], '--max-gzip-ratio is 0.5, must be a number of at least 1'],
    [['--max-attributes-per-point', '0'], '--max-attributes-per-point is 0, must be at least 1'],
    [['--max-attribute-value-length', '-5'], '--max-attribute-value-length is "-5", must be a whole number'],
    [['--tls-cert', 'cert.pem'], '--tls-cert and --tls-key go together'],
    [['--tls-key', 'key.pem'], '--tls-cert and --tls-key go together'],
    [['--tls-client-ca', 'ca.pem'], '--tls-client-ca needs --tls-cert and --tls-key'],
    [['--tls-cert', '/nonexistent/cert.pem', '--tls-key', '/nonexistent/key.pem'], '--tls-cert /nonexistent/cert.pem cannot be read (ENOENT)'],
    [['--clip', 'http.*=0:10', '--clip', 'db.*=0:5', '--clip', 'http.*=0:20'], '--clip gives "http.*" twice; the first rule wins, so the second could never apply'],
    [['--clip-count', 'rpc.*=20', '--clip-count', 'rpc.*=30'], '--clip-count gives "rpc.*" twice'],
    [['--gauge-aggregation', 'q=sum', '--gauge-aggregation', 'q=mean'], '--gauge-aggregation gives "q" twice'],
    [['--otlp-endpoint', 'http://127.0.0.1:0/v1/metrics'], '--otlp-endpoint has port 0, which no server listens on'],
    [['--window', '10'], '--window is "10", must be a duration'],
    [['--window', '50ms'], '--window is 50ms, must be a whole number of milliseconds, at least 100ms'],
    [['--epsilon', 'abc'], '--epsilon is "abc", must be a number'],
    [['--epsilon', 'Infinity'], '--epsilon is "Infinity", must be a number'],
    [['--epsilon', '0'], '--epsilon is 0, must be positive'],
    [['--epsilon', '-1'], '--epsilon is -1, must be positive'],
    [['--delta', '1'], '--delta is 1, must be between 0 and 1'],
    [['--mechanism', 'uniform'], '--mechanism is "uniform", must be one of laplace, gaussian'],
    [['--max-series-per-token', '0'], '--max-series-per-token is 0, must be at least 1'],
    [['--max-series-per-token', 'ten'], '--max-series-per-token is "ten", must be a whole number'],
    [['--clip', 'http.*'], '--clip is "http.*", must be METRIC_GLOB=LO:HI'],
    [['--clip', 'a=5:1'], 'lower bound 5 is above upper bound 1'],
    [['--token-attribute', ''], '--token-attribute'],
    [['--untokened', 'keep'], '--untokened is "keep", must be one of drop, pass'],
    [['--output-temporality', 'both'], '--output-temporality is "both", must be one of cumulative, delta'],
    [['--exporter', 'stdout'], '--exporter is "stdout", must be one of otlp, debug, prometheus-remote-write'],
    [['--otlp-protocol', 'udp'], '--otlp-protocol is "udp", must be one of grpc, http/protobuf, http/json'],
    [['--otlp-header', 'novalue'], '--otlp-header: header 1 of 1 has no "="'],
    [['--otlp-endpoint', 'http://b:4318/v1/metrics', '--otlp-header', 'content-type=text/plain'], '--otlp-header (or OTEL_EXPORTER_OTLP_[METRICS_]HEADERS): header content-type is set by the exporter'],
    [['--otlp-compression', 'zstd'], '--otlp-compression is "zstd", must be one of gzip, none'],
    [['--otlp-timeout', 'soon'], '--otlp-timeout is "soon", must be a duration'],
    [['--log-level', 'loud'], '--log-level is "loud", must be one of debug, info, warn, error'],
    [['--otlp-endpoint', 'backend:4318'], '--otlp-endpoint has scheme backend:, must be http: or https:'],
    [['--otlp-endpoint', 'not a url'], '--otlp-endpoint is not a valid URL'],
    [['--otlp-endpoint', 'http://backend:4317/v1/metrics', '--otlp-protocol', 'grpc'], '--otlp-endpoint has a path, which grpc does not use'],
    [['--exporter', 'otlp'], '--exporter lists otlp but no endpoint is set'],
    [['--clip-count', 'h=0'], '--clip-count is "h=0", the count must be a whole number from 1 to 2^30'],
    [['--gauge-aggregation', 'g=max'], '--gauge-aggregation is "g=max", must be METRIC_GLOB=mean|sum'],
    [['--public-attribute', 'http.route'], '--public-attribute is "http.route", must be KEY=V1,V2'],
    [['--exp-histogram-scale', '21'], '--exp-histogram-scale is 21, must be a whole number from -10 to 20'],
    [['--exp-histogram-scale', '1.5'], '--exp-histogram-scale is "1.5", must be a whole number'],
    [['--exp-histogram-buckets', '0'], '--exp-histogram-buckets is 0, must be a whole number from 1 to 1000'],
    [['--max-tokens', '0'], '--max-tokens is 0, must be at least 1'],
    [['--max-series', 'many'], '--max-series is "many", must be a whole number'],
    [['--budget-horizon', '1s', '--window', '1m'], '--budget-horizon is 1000ms, must be at least one window'],
    [['--max-epsilon-horizon', '0', '--state-dir', '/tmp/x'], '--max-epsilon-horizon is 0, must be positive'],
    [['--max-epsilon-horizon', '10'], '--max-epsilon-horizon needs --state-dir'],
    [['--epsilon', '1', '--epsilon', '2'], '--epsilon is given 2 times, give it once'],
    [['--http-listen', 'off', '--grpc-listen', 'off'], '--http-listen and --grpc-listen are both off'],
    [['--http-listen', '127.0.0.1:5000', '--grpc-listen', '127.0.0.1:5000'], 'they need different ports'],
  ];
  for (const [args, expected] of cases) {
    it(`${args.join(' ')}`, () => assertUsageError(() => parse(args), expected));
  }

  it('never quotes a header value or an endpoint in a message', () => {
    for (const args of [
      ['--otlp-header', 'authorization=%ZZsecret-value'],
      ['--otlp-endpoint', 'ftp://user:secret-value@backend'],
      ['--otlp-endpoint', 'http://user:secret-value@backend/v1/metrics', '--otlp-protocol', 'grpc'],
    ]) {
      assert.throws(() => parse(args), (error: unknown) => error instanceof UsageError && !error.message.includes('secret-value'));
    }
  });
});

describe('parseRunConfig: --config FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otel-dp-config-'));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('takes flags by name from YAML, lists for repeatable flags; the variable and the flag override it', () => {
    const path = file('otel-dp.yaml', 'epsilon: 0.5\nwindow: 10s\nmax-series-per-token: 3\nclip:\n  - "http.*=0:100"\n  - "db.*=0:5"\n');
    const fromFile = parse(['--config', path]);
    assert.equal(fromFile.processor.epsilon, 0.5);
    assert.equal(fromFile.processor.windowMillis, 10_000);
    assert.equal(fromFile.processor.maxSeriesPerToken, 3);
    assert.deepEqual(fromFile.processor.clip, [
      { pattern: 'http.*', lower: 0, upper: 100 },
      { pattern: 'db.*', lower: 0, upper: 5 },
    ]);
    const overridden = parse(['--config', path, '--epsilon', '0.7'], { OTEL_DP_WINDOW: '20s', OTEL_DP_EPSILON: '0.6' });
    assert.equal(overridden.processor.epsilon, 0.7, 'the flag wins over the variable and the file');
    assert.equal(overridden.processor.windowMillis, 20_000, 'the variable wins over the file');
    assert.equal(parse([], { OTEL_DP_CONFIG: path }).processor.epsilon, 0.5, 'OTEL_DP_CONFIG names the file too');
  });

  it('names the file and the key in every error', () => {
    assertUsageError(() => parse(['--config', file('typo.yaml', 'epsilonn: 1\n')]), 'typo.yaml: key "epsilonn" is no flag of otel-dp run');
    assertUsageError(() => parse(['--config', file('bad-value.yaml', 'epsilon: -1\n')]), '--epsilon is -1, must be positive', '(set by epsilon in ', 'bad-value.yaml)');
    assertUsageError(() => parse(['--config', file('list.yaml', 'epsilon: [1, 2]\n')]), 'epsilon takes one value, not a list');
    assertUsageError(() => parse(['--config', file('broken.yaml', 'epsilon: [1\n')]), 'broken.yaml is not valid YAML');
    assertUsageError(() => parse(['--config', file('list-top.yaml', '- 1\n')]), 'must be a mapping of flag names to values');
    assertUsageError(() => parse(['--config', join(dir, 'missing.yaml')]), 'missing.yaml cannot be read (ENOENT)');
  });
});
