import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { currentLocalHost, endpointReachesListener, type LocalHost } from '../src/self-export.js';

const LOCAL: LocalHost = { hostname: 'box', addresses: ['192.168.1.5', 'fe80::1'] };

function reaches(endpoint: string, host: string, port: number): boolean {
  return endpointReachesListener(new URL(endpoint), { host, port }, LOCAL);
}

describe('endpointReachesListener', () => {
  it('treats every loopback spelling as one host', () => {
    for (const endpoint of ['http://127.0.0.1:4318', 'http://127.1.2.3:4318', 'http://localhost:4318', 'http://[::1]:4318', 'http://[::ffff:127.0.0.1]:4318', 'http://api.localhost:4318']) {
      assert.equal(reaches(endpoint, '127.0.0.1', 4318), true, endpoint);
      assert.equal(reaches(endpoint, 'localhost', 4318), true, endpoint);
      assert.equal(reaches(endpoint, '::1', 4318), true, endpoint);
    }
  });

  it('takes the scheme default port when the URL has none', () => {
    assert.equal(reaches('http://localhost/v1/metrics', '127.0.0.1', 80), true);
    assert.equal(reaches('https://localhost/v1/metrics', '127.0.0.1', 443), true);
    assert.equal(reaches('https://localhost/v1/metrics', '127.0.0.1', 80), false);
  });

  it('matches a wildcard listener through the host name and interface addresses', () => {
    for (const wildcard of ['0.0.0.0', '::']) {
      assert.equal(reaches('http://box:9000', wildcard, 9000), true);
      assert.equal(reaches('http://192.168.1.5:9000', wildcard, 9000), true);
      assert.equal(reaches('http://[fe80::1]:9000', wildcard, 9000), true);
      assert.equal(reaches('http://0.0.0.0:9000', wildcard, 9000), true);
      assert.equal(reaches('http://localhost:9000', wildcard, 9000), true);
      assert.equal(reaches('http://elsewhere:9000', wildcard, 9000), false);
    }
  });

  it('compares other hosts as written, and never matches a different port or port 0', () => {
    assert.equal(reaches('http://Collector.Internal:4318', 'collector.internal', 4318), true);
    assert.equal(reaches('http://collector.internal:4318', '10.0.0.7', 4318), false);
    assert.equal(reaches('http://127.0.0.1:4319', '127.0.0.1', 4318), false);
    assert.equal(reaches('http://127.0.0.1:0', '127.0.0.1', 0), false);
  });

  it('reads this machine: a host name and at least the loopback address', () => {
    const local = currentLocalHost();
    assert.notEqual(local.hostname, '');
    assert.ok(local.addresses.includes('127.0.0.1'), local.addresses.join(', '));
  });
});
