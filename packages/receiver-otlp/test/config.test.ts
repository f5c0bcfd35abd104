import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_RECEIVER_CONFIG,
  formatListenAddress,
  isLoopbackHost,
  parseListenAddress,
  resolveReceiverLimits,
  tlsConfigFromFlags,
  validateReceiverConfig,
} from '../src/config.js';
import { ReceiverConfigError } from '../src/errors.js';

describe('parseListenAddress', () => {
  it('reads host:port, [ipv6]:port, :port and off', () => {
    assert.deepEqual(parseListenAddress('127.0.0.1:4318', '--http-listen'), { host: '127.0.0.1', port: 4318 });
    assert.deepEqual(parseListenAddress('localhost:0', '--http-listen'), { host: 'localhost', port: 0 });
    assert.deepEqual(parseListenAddress('collector.internal:4317', '--grpc-listen'), { host: 'collector.internal', port: 4317 });
    assert.deepEqual(parseListenAddress('[::1]:4317', '--grpc-listen'), { host: '::1', port: 4317 });
    assert.deepEqual(parseListenAddress('[::]:65535', '--grpc-listen'), { host: '::', port: 65535 });
    assert.deepEqual(parseListenAddress(':4318', '--http-listen'), { host: '0.0.0.0', port: 4318 });
    assert.equal(parseListenAddress('off', '--http-listen'), 'off');
    assert.deepEqual(parseListenAddress(' 127.0.0.1:9 ', '--http-listen'), { host: '127.0.0.1', port: 9 });
  });

  it('refuses malformed text with a message naming the flag and the value', () => {
    const cases: Array<[string, RegExp]> = [
      ['x', /port is missing/],
      ['127.0.0.1', /port is missing/],
      ['127.0.0.1:', /port must be a number/],
      ['127.0.0.1:65536', /port must be a number/],
      ['127.0.0.1:-1', /port must be a number/],
      ['127.0.0.1:43a', /port must be a number/],
      ['::1:4318', /IPv6 address in brackets/],
      ['[localhost]:4318', /must be an IPv6 address/],
      ['my host:4318', /must be a name or an IP address/],
      ['http://127.0.0.1:4318', /without a scheme or path/],
      ['OFF', /port is missing/],
      ['', /port is missing/],
    ];
    for (const [text, detail] of cases) {
      assert.throws(
        () => parseListenAddress(text, '--http-listen'),
        (error: unknown) => {
          assert.ok(error instanceof ReceiverConfigError, `"${text}" should throw ReceiverConfigError`);
          assert.equal(error.code, 'RECEIVER_CONFIG_INVALID');
          assert.ok(error.message.startsWith(`--http-listen is "${text}", must be host:port or off`), error.message);
          assert.match(error.message, detail);
          return true;
        },
      );
    }
  });
});

describe('listen address helpers', () => {
  it('formats IPv6 hosts in brackets and round-trips through the parser', () => {
    for (const text of ['127.0.0.1:4318', '[::1]:4317', 'localhost:0']) {
      const parsed = parseListenAddress(text, '--x');
      assert.notEqual(parsed, 'off');
      if (parsed !== 'off') assert.equal(formatListenAddress(parsed), text);
    }
  });

  it('tells loopback hosts from the rest', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', '::1', 'localhost']) assert.equal(isLoopbackHost(host), true, host);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'example.com', '127.0.0.1.example.com']) {
      assert.equal(isLoopbackHost(host), false, host);
    }
  });
});

describe('validateReceiverConfig', () => {
  it('accepts the defaults, which listen on loopback at the OTLP ports with 16 MiB, without TLS', () => {
    validateReceiverConfig(DEFAULT_RECEIVER_CONFIG);
    assert.deepEqual(DEFAULT_RECEIVER_CONFIG, {
      httpListen: { host: '127.0.0.1', port: 4318 },
      grpcListen: { host: '127.0.0.1', port: 4317 },
      maxRequestBytes: 16 * 1024 * 1024,
      maxGzipRatio: 100,
      maxAttributesPerPoint: 128,
      maxAttributeValueLength: 4096,
      maxMessagesPerRequest: 262_144,
      maxInflightBytes: 64 * 1024 * 1024,
      maxConnections: 1024,
      grpcMaxConcurrentStreams: 100,
      grpcMaxConnectionIdleMs: 300_000,
      grpcKeepaliveTimeMs: 7_200_000,
      grpcKeepaliveTimeoutMs: 20_000,
      grpcKeepaliveMinTimeMs: 300_000,
    });
  });

  it('refuses connection limits that are not whole numbers in range, and an in-flight budget under two requests', () => {
    const base = { httpListen: 'off' as const, grpcListen: 'off' as const, maxRequestBytes: 1000 };
    assert.throws(() => validateReceiverConfig({ ...base, maxInflightBytes: 1999 }), /^ReceiverConfigError: maxInflightBytes is 1999, must be a whole number of at least twice maxRequestBytes \(2000\)/);
    validateReceiverConfig({ ...base, maxInflightBytes: 2000 });
    for (const field of ['maxConnections', 'grpcMaxConcurrentStreams', 'grpcMaxConnectionIdleMs', 'grpcKeepaliveTimeMs', 'grpcKeepaliveTimeoutMs', 'grpcKeepaliveMinTimeMs']) {
      for (const value of [0, 1.5, 2 ** 31]) {
        assert.throws(() => validateReceiverConfig({ ...base, [field]: value }), new RegExp(`^ReceiverConfigError: ${field} is ${value}, must be a whole number from 1 to 2147483647$`));
      }
    }
  });

  it('fills absent limits with the defaults', () => {
    const minimal = { httpListen: 'off' as const, grpcListen: 'off' as const, maxRequestBytes: 10 };
    validateReceiverConfig(minimal);
    assert.deepEqual(resolveReceiverLimits(minimal), {
      maxRequestBytes: 10,
      maxGzipRatio: 100,
      maxAttributesPerPoint: 128,
      maxAttributeValueLength: 4096,
      maxMessagesPerRequest: 262_144,
    });
    assert.deepEqual(resolveReceiverLimits({ ...minimal, maxGzipRatio: 2.5, maxAttributesPerPoint: 1, maxAttributeValueLength: 7, maxMessagesPerRequest: 3 }), {
      maxRequestBytes: 10,
      maxGzipRatio: 2.5,
      maxAttributesPerPoint: 1,
      maxAttributeValueLength: 7,
      maxMessagesPerRequest: 3,
    });
  });

  it('names the limit that is wrong', () => {
    const base = { ...DEFAULT_RECEIVER_CONFIG };
    assert.throws(() => validateReceiverConfig({ ...base, maxGzipRatio: 0 }), /^ReceiverConfigError: maxGzipRatio is 0, must be a number of at least 1$/);
    assert.throws(() => validateReceiverConfig({ ...base, maxGzipRatio: Number.POSITIVE_INFINITY }), /maxGzipRatio is Infinity/);
    assert.throws(() => validateReceiverConfig({ ...base, maxGzipRatio: Number.NaN }), /maxGzipRatio is NaN/);
    assert.throws(() => validateReceiverConfig({ ...base, maxAttributesPerPoint: 0 }), /^ReceiverConfigError: maxAttributesPerPoint is 0, must be a whole number from 1/);
    assert.throws(() => validateReceiverConfig({ ...base, maxAttributesPerPoint: 2.5 }), /maxAttributesPerPoint is 2.5/);
    assert.throws(() => validateReceiverConfig({ ...base, maxAttributeValueLength: -1 }), /^ReceiverConfigError: maxAttributeValueLength is -1/);
    assert.throws(() => validateReceiverConfig({ ...base, maxAttributeValueLength: 2 ** 31 }), /maxAttributeValueLength is 2147483648/);
  });

  it('wants a path for each TLS file given', () => {
    const base = { ...DEFAULT_RECEIVER_CONFIG };
    validateReceiverConfig({ ...base, tls: { certFile: 'server.crt', keyFile: 'server.key' } });
    validateReceiverConfig({ ...base, tls: { certFile: 'server.crt', keyFile: 'server.key', clientCaFile: 'ca.crt' } });
    assert.throws(() => validateReceiverConfig({ ...base, tls: { certFile: '', keyFile: 'k' } }), /^ReceiverConfigError: tls.certFile must be the path of a PEM file$/);
    assert.throws(() => validateReceiverConfig({ ...base, tls: { certFile: 'c', keyFile: ' ' } }), /^ReceiverConfigError: tls.keyFile must be the path of a PEM file$/);
    assert.throws(() => validateReceiverConfig({ ...base, tls: { certFile: 'c', keyFile: 'k', clientCaFile: '' } }), /^ReceiverConfigError: tls.clientCaFile must be the path of a PEM file$/);
  });

  it('names the field that is wrong', () => {
    const base = { ...DEFAULT_RECEIVER_CONFIG };
    assert.throws(() => validateReceiverConfig({ ...base, maxRequestBytes: 0 }), /^ReceiverConfigError: maxRequestBytes is 0, must be/);
    assert.throws(() => validateReceiverConfig({ ...base, maxRequestBytes: 1.5 }), /maxRequestBytes is 1.5/);
    assert.throws(() => validateReceiverConfig({ ...base, maxRequestBytes: 2 ** 31 }), /maxRequestBytes is 2147483648/);
    assert.throws(() => validateReceiverConfig({ ...base, httpListen: { host: '127.0.0.1', port: 70000 } }), /httpListen.port is 70000/);
    assert.throws(() => validateReceiverConfig({ ...base, grpcListen: { host: '', port: 1 } }), /grpcListen must be 'off'/);
  });
});

describe('tlsConfigFromFlags', () => {
  it('builds the tls field from the flags given, and nothing from none', () => {
    assert.equal(tlsConfigFromFlags({}), undefined);
    assert.equal(tlsConfigFromFlags({ cert: '', key: ' ', clientCa: '' }), undefined);
    assert.deepEqual(tlsConfigFromFlags({ cert: 's.crt', key: 's.key' }), { certFile: 's.crt', keyFile: 's.key' });
    assert.deepEqual(tlsConfigFromFlags({ cert: 's.crt', key: 's.key', clientCa: 'ca.crt' }), { certFile: 's.crt', keyFile: 's.key', clientCaFile: 'ca.crt' });
  });

  it('refuses half a pair, and a client CA without TLS, naming the flags', () => {
    assert.throws(() => tlsConfigFromFlags({ cert: 's.crt' }), /^ReceiverConfigError: tls.certFile is given without tls.keyFile; give both$/);
    assert.throws(() => tlsConfigFromFlags({ key: 's.key', clientCa: 'ca.crt' }), /^ReceiverConfigError: tls.keyFile is given without tls.certFile; give both$/);
    assert.throws(() => tlsConfigFromFlags({ clientCa: 'ca.crt' }), /^ReceiverConfigError: tls.clientCaFile needs tls.certFile and tls.keyFile/);
  });
});
