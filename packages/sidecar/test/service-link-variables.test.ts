import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isServiceLinkVariable } from '../src/service-link-variables.js';
import { assertUsageError, parse } from './support/parse.js';

// What the kubelet writes for a Service named otel-dp on cluster IP 10.0.0.11
// with two named TCP ports, grpc 4317 and http 4318, in the form of the
// Kubernetes documentation's redis-primary example.
const OTEL_DP_SERVICE: Record<string, string> = {
  OTEL_DP_SERVICE_HOST: '10.0.0.11',
  OTEL_DP_SERVICE_PORT: '4317',
  OTEL_DP_SERVICE_PORT_GRPC: '4317',
  OTEL_DP_SERVICE_PORT_HTTP: '4318',
  OTEL_DP_PORT: 'tcp://10.0.0.11:4317',
  OTEL_DP_PORT_4317_TCP: 'tcp://10.0.0.11:4317',
  OTEL_DP_PORT_4317_TCP_PROTO: 'tcp',
  OTEL_DP_PORT_4317_TCP_PORT: '4317',
  OTEL_DP_PORT_4317_TCP_ADDR: '10.0.0.11',
  OTEL_DP_PORT_4318_TCP: 'tcp://10.0.0.11:4318',
  OTEL_DP_PORT_4318_TCP_PROTO: 'tcp',
  OTEL_DP_PORT_4318_TCP_PORT: '4318',
  OTEL_DP_PORT_4318_TCP_ADDR: '10.0.0.11',
};

// A Service named otel-dp-admin-v2, IPv6, one unnamed UDP port.
const OTEL_DP_ADMIN_V2_SERVICE: Record<string, string> = {
  OTEL_DP_ADMIN_V2_SERVICE_HOST: 'fd00:10:96::a',
  OTEL_DP_ADMIN_V2_SERVICE_PORT: '13133',
  OTEL_DP_ADMIN_V2_PORT: 'udp://[fd00:10:96::a]:13133',
  OTEL_DP_ADMIN_V2_PORT_13133_UDP: 'udp://[fd00:10:96::a]:13133',
  OTEL_DP_ADMIN_V2_PORT_13133_UDP_PROTO: 'udp',
  OTEL_DP_ADMIN_V2_PORT_13133_UDP_PORT: '13133',
  OTEL_DP_ADMIN_V2_PORT_13133_UDP_ADDR: 'fd00:10:96::a',
};

// Each one letter, digit or shape away from what Kubernetes writes.
const NEAR_MISSES: Record<string, string> = {
  OTEL_DP_SERVICE_HOSTS: '10.0.0.11',
  OTEL_DP_SERVICE_HOST: 'otel-dp.otel-dp.svc',
  OTEL_DP_SERVICE_PORT: '70000',
  OTEL_DP_SERVICE_PORT_: '4317',
  OTEL_DP_SERVICE_PORT_GRPC: 'grpc',
  OTEL_DP_PORT: 'http://10.0.0.11:4317',
  OTEL_DP_PORT_4317_TCP: 'tcp://10.0.0.11:4318',
  OTEL_DP_PORT_4317_HTTP: 'tcp://10.0.0.11:4317',
  OTEL_DP_PORT_4317_TCP_PROTO: 'udp',
  OTEL_DP_PORT_4317_TCP_PORT: '4318',
  OTEL_DP_PORT_4317_TCP_ADDR: '10.0.0',
  OTEL_DP_PORT_4317_TCP_ADDRESS: '10.0.0.11',
  OTEL_DP_PORT_0_TCP_PORT: '0',
  OTEL_DP_ADMIN_V2_PORT: 'udp://fd00:10:96::a:13133',
};

describe('variables Kubernetes writes for a Service named otel-dp', () => {
  it('are recognised in every shape, for IPv4 and IPv6, TCP and UDP', () => {
    for (const [name, value] of Object.entries({ ...OTEL_DP_SERVICE, ...OTEL_DP_ADMIN_V2_SERVICE })) {
      assert.ok(isServiceLinkVariable(name, value), `${name}=${value}`);
    }
    assert.ok(isServiceLinkVariable('OTEL_DP_PORT_9_SCTP_PROTO', 'sctp'));
  });

  it('are recognised only in those shapes and with such values', () => {
    for (const [name, value] of Object.entries(NEAR_MISSES)) assert.equal(isServiceLinkVariable(name, value), false, `${name}=${value}`);
    assert.equal(isServiceLinkVariable('OTEL_DP_EPSILOM', '1'), false);
    assert.equal(isServiceLinkVariable('OTEL_DPX_SERVICE_HOST', '10.0.0.11'), false, 'a Service otel-dpx is not ours');
  });

  it('do not stop `otel-dp run` from starting, and change nothing', () => {
    const config = parse([], { ...OTEL_DP_SERVICE, ...OTEL_DP_ADMIN_V2_SERVICE, KUBERNETES_SERVICE_HOST: '10.96.0.1' });
    assert.deepEqual(config, parse([]));
  });

  it('leave a misspelt flag among them refused', () => {
    assertUsageError(() => parse([], { ...OTEL_DP_SERVICE, OTEL_DP_EPSILOM: '1' }), 'OTEL_DP_EPSILOM is set but names no flag');
    for (const [name, value] of Object.entries(NEAR_MISSES)) {
      assertUsageError(() => parse([], { [name]: value }), `${name} is set but names no flag`);
    }
  });
});
