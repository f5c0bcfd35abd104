import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_QUEUE_SIZE, DEFAULT_RETRY } from '@otel-dp/exporter-helper';
import { UsageError } from '../src/usage-error.js';
import { assertUsageError, exporterKinds, otlpConfig, parse, remoteWriteConfig } from './support/parse.js';

const BACKEND = 'http://backend:4318/v1/metrics';
const PROMETHEUS = 'http://prometheus:9090/api/v1/write';

describe('parseRunConfig: --exporter', () => {
  it('is repeatable, in the order given, from flags or from its variable', () => {
    assert.deepEqual(exporterKinds(parse(['--exporter', 'debug', '--exporter', 'otlp', '--otlp-endpoint', BACKEND])), ['debug', 'otlp']);
    const fromEnv = parse([], { OTEL_DP_EXPORTER: 'prometheus-remote-write, debug', OTEL_DP_REMOTE_WRITE_URL: PROMETHEUS });
    assert.deepEqual(exporterKinds(fromEnv), ['prometheus-remote-write', 'debug']);
    assert.deepEqual(exporterKinds(parse(['--exporter', 'debug'], { OTEL_DP_EXPORTER: 'otlp' })), ['debug'], 'the flag wins');
  });

  it('defaults to every exporter whose destination is set, else debug', () => {
    assert.deepEqual(exporterKinds(parse([])), ['debug']);
    assert.deepEqual(exporterKinds(parse(['--remote-write-url', PROMETHEUS])), ['prometheus-remote-write']);
    assert.deepEqual(exporterKinds(parse(['--remote-write-url', PROMETHEUS, '--otlp-endpoint', BACKEND])), ['otlp', 'prometheus-remote-write']);
  });
});

describe('parseRunConfig: queue and retry flags', () => {
  it('default to the collector\'s queue size and retry schedule, queues in memory', () => {
    const config = parse(['--exporter', 'otlp', '--exporter', 'prometheus-remote-write', '--otlp-endpoint', BACKEND, '--remote-write-url', PROMETHEUS]);
    assert.equal(config.delivery.queueSize, DEFAULT_QUEUE_SIZE);
    assert.equal(config.delivery.queueDir, undefined);
    assert.deepEqual(otlpConfig(config).retry, DEFAULT_RETRY);
    assert.deepEqual(remoteWriteConfig(config).retry, DEFAULT_RETRY);
  });

  it('are read from flags, and give both retrying exporters the same schedule', () => {
    const config = parse([
      '--otlp-endpoint', BACKEND,
      '--remote-write-url', PROMETHEUS,
      '--exporter-queue-size', '25',
      '--exporter-queue-dir', '/var/lib/otel-dp/queue',
      '--retry-initial-interval', '250ms',
      '--retry-max-interval', '2s',
      '--retry-max-elapsed', '0s',
    ]);
    assert.equal(config.delivery.queueSize, 25);
    assert.equal(config.delivery.queueDir, '/var/lib/otel-dp/queue');
    const retry = { ...DEFAULT_RETRY, initialIntervalMillis: 250, maxIntervalMillis: 2_000, maxElapsedMillis: 0 };
    assert.deepEqual(otlpConfig(config).retry, retry);
    assert.deepEqual(remoteWriteConfig(config).retry, retry);
  });

  it('are read from their variables', () => {
    const config = parse(['--otlp-endpoint', BACKEND], {
      OTEL_DP_EXPORTER_QUEUE_SIZE: '7',
      OTEL_DP_EXPORTER_QUEUE_DIR: '/q',
      OTEL_DP_RETRY_INITIAL_INTERVAL: '1s',
      OTEL_DP_RETRY_MAX_INTERVAL: '1m',
      OTEL_DP_RETRY_MAX_ELAPSED: '1h',
    });
    assert.deepEqual([config.delivery.queueSize, config.delivery.queueDir], [7, '/q']);
    const { initialIntervalMillis, maxIntervalMillis, maxElapsedMillis } = otlpConfig(config).retry;
    assert.deepEqual([initialIntervalMillis, maxIntervalMillis, maxElapsedMillis], [1_000, 60_000, 3_600_000]);
  });
});

describe('parseRunConfig: Prometheus remote write', () => {
  it('takes the URL and headers from flags or variables, headers percent-decoded', () => {
    const config = parse(['--remote-write-url', PROMETHEUS, '--remote-write-header', 'X-Scope-OrgID=team-a', '--remote-write-header', 'authorization=Bearer%20abc']);
    assert.deepEqual(remoteWriteConfig(config), { url: PROMETHEUS, headers: { 'X-Scope-OrgID': 'team-a', authorization: 'Bearer abc' }, retry: DEFAULT_RETRY });
    const fromEnv = parse([], { OTEL_DP_REMOTE_WRITE_URL: PROMETHEUS, OTEL_DP_REMOTE_WRITE_HEADER: 'a=1,b=2' });
    assert.deepEqual(remoteWriteConfig(fromEnv).headers, { a: '1', b: '2' });
  });
});

describe('parseRunConfig: delivery values refused, naming the flag', () => {
  const cases: Array<[string[], Record<string, string>, string]> = [
    [['--exporter', 'prometheus-remote-write'], {}, '--exporter lists prometheus-remote-write but --remote-write-url is not set'],
    [[], { OTEL_DP_EXPORTER: 'prometheus-remote-write' }, 'OTEL_DP_EXPORTER lists prometheus-remote-write but --remote-write-url is not set'],
    [['--exporter', 'debug', '--exporter', 'debug'], {}, '--exporter lists debug twice'],
    [['--exporter', 'stdout'], {}, '--exporter is "stdout", must be one of otlp, debug, prometheus-remote-write'],
    [[], { OTEL_DP_EXPORTER: 'debug,file' }, 'OTEL_DP_EXPORTER is "file"'],
    [['--exporter', 'debug', '--remote-write-url', PROMETHEUS], {}, '--remote-write-url is set but --exporter does not list prometheus-remote-write'],
    [['--remote-write-url', 'prometheus:9090'], {}, '--remote-write-url has scheme prometheus:, must be http: or https:'],
    [['--remote-write-url', 'not a url'], {}, '--remote-write-url is not a valid URL'],
    [['--remote-write-url', 'http://localhost:4318/api/v1/write'], {}, "--remote-write-url points at this sidecar's own --http-listen address (port 4318)"],
    [['--remote-write-url', 'http://127.0.0.1:13133/api/v1/write'], {}, "--remote-write-url points at this sidecar's own --admin-listen address (port 13133)"],
    [['--otlp-endpoint', 'http://[::1]:13133/v1/metrics'], {}, "--otlp-endpoint points at this sidecar's own --admin-listen address"],
    [['--remote-write-url', PROMETHEUS, '--remote-write-header', 'content-type=text/plain'], {}, '--remote-write-header: header content-type is set by the exporter'],
    [['--remote-write-header', 'novalue'], {}, '--remote-write-header: header 1 of 1 has no "="'],
    [['--exporter-queue-size', '0'], {}, '--exporter-queue-size is 0, must be at least 1'],
    [['--exporter-queue-size', 'lots'], {}, '--exporter-queue-size is "lots", must be a whole number'],
    [['--exporter-queue-dir', ' '], {}, '--exporter-queue-dir is empty'],
    [['--retry-initial-interval', '0s'], {}, '--retry-initial-interval is 0s, must be positive'],
    [['--retry-initial-interval', '5'], {}, '--retry-initial-interval is "5", must be a duration'],
    [['--retry-max-interval', '1s'], {}, '--retry-max-interval is 1s, must be at least --retry-initial-interval (5s)'],
    [[], { OTEL_DP_RETRY_MAX_INTERVAL: '2s' }, 'OTEL_DP_RETRY_MAX_INTERVAL is 2s, must be at least --retry-initial-interval (5s)'],
    [['--retry-max-elapsed', 'forever'], {}, '--retry-max-elapsed is "forever", must be a duration'],
  ];
  for (const [args, env, expected] of cases) {
    it(`${[...args, ...Object.entries(env).map(([k, v]) => `${k}=${v}`)].join(' ')}`, () => assertUsageError(() => parse(args, env), expected));
  }

  it('never quotes a remote-write URL or header value', () => {
    for (const args of [
      ['--remote-write-url', 'ftp://user:secret-value@prometheus/api/v1/write'],
      ['--remote-write-url', 'http://user:secret-value@localhost:4318/api/v1/write'],
      ['--remote-write-url', PROMETHEUS, '--remote-write-header', 'authorization=%ZZsecret-value'],
      ['--remote-write-url', PROMETHEUS, '--remote-write-header', 'x-key=secret-value\u0000'],
    ]) {
      assert.throws(() => parse(args), (error: unknown) => error instanceof UsageError && !error.message.includes('secret-value'), args.join(' '));
    }
  });
});
