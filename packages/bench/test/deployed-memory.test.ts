import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployedMemoryFrom, parseMemoryQuantity, readDeployedMemory } from '../src/deployed-memory.js';

const MANIFEST = `
spec:
  template:
    spec:
      initContainers:
        - name: otel-dp
          image: otel-dp:0.1.0
          env:
            - name: OTEL_DP_WINDOW
              value: "10m"
            - name: NODE_OPTIONS
              value: "--max-old-space-size=192 --stack-size=2048"
          # Sized from measured peaks.
          resources:
            requests:
              memory: 256Mi
            limits:
              cpu: 500m
              memory: 576Mi
      containers:
        - name: app
          resources:
            limits:
              memory: 2Gi
`;

describe('deployed memory', () => {
  it('reads Kubernetes memory quantities', () => {
    assert.equal(parseMemoryQuantity('576Mi'), 576 * 1024 * 1024);
    assert.equal(parseMemoryQuantity('1Gi'), 1024 ** 3);
    assert.equal(parseMemoryQuantity('500M'), 500e6);
    assert.equal(parseMemoryQuantity('1048576'), 1048576);
    assert.ok(Number.isNaN(parseMemoryQuantity('lots')));
  });

  it('takes the otel-dp container\'s limit (not its request, not the application\'s) and its NODE_OPTIONS', () => {
    const deployed = deployedMemoryFrom(MANIFEST, 'pod.yaml');
    assert.equal(deployed.limitBytes, 576 * 1024 * 1024);
    assert.deepEqual(deployed.nodeOptions, ['--max-old-space-size=192', '--stack-size=2048']);
  });

  it('says so when the manifest has no otel-dp container or no limit for it', () => {
    assert.throws(() => deployedMemoryFrom(MANIFEST.replace('name: otel-dp', 'name: other'), 'pod.yaml'), /pod.yaml has no container named otel-dp/);
    assert.throws(() => deployedMemoryFrom(MANIFEST.replace('memory: 576Mi', 'ephemeral: 1Gi'), 'pod.yaml'), /no memory limit/);
  });

  it('reads the repository\'s sidecar manifest', () => {
    const deployed = readDeployedMemory();
    assert.ok(deployed.limitBytes >= 64 * 1024 * 1024, `limit ${deployed.limitBytes}`);
    assert.equal(deployed.manifest, 'deploy/kubernetes/sidecar.yaml');
  });
});
