import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listenerOf } from './support/cli-contract.js';
import { allContainers, containerEnv, findObject, loadManifest, otelDpContainers, podSpecOf } from './support/deploy-files.js';

const objects = loadManifest('sidecar.yaml');
const deployment = objects.find((object) => object.kind === 'Deployment');
if (deployment === undefined) throw new Error('sidecar.yaml has no Deployment');
const pod = podSpecOf(deployment);
const [otelDp] = otelDpContainers(pod);
const apps = allContainers(pod).filter((container) => container !== otelDp);
const otelDpEnv = containerEnv(otelDp);

/** The listener an SDK reaches with this protocol (OTLP exporter protocol names). */
function listenerFor(protocol: string): ReturnType<typeof listenerOf> {
  if (protocol === 'grpc') return listenerOf(otelDpEnv, 'grpc-listen');
  if (protocol === 'http/protobuf' || protocol === 'http/json') return listenerOf(otelDpEnv, 'http-listen');
  throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL is ${protocol}, which otel-dp does not receive`);
}

describe('deploy/kubernetes/sidecar.yaml', () => {
  it('has one Deployment whose pod holds otel-dp and the application', () => {
    assert.equal(objects.length, 1);
    assert.equal(findObject(objects, 'Deployment', String(deployment.metadata?.name)), deployment);
    assert.equal(otelDpContainers(pod).length, 1, 'one otel-dp container');
    assert.ok(apps.length >= 1, 'an application container');
  });

  it('starts otel-dp before the application and stops it after, as a native sidecar', () => {
    const sidecar = (pod.initContainers ?? []).find((container) => container === otelDp);
    assert.ok(sidecar !== undefined, 'otel-dp is an init container');
    assert.equal(sidecar.restartPolicy, 'Always', 'that keeps running');
    assert.ok(sidecar.startupProbe !== undefined, 'whose start-up the application waits for');
  });

  it("points the application's OTLP exporter at otel-dp's listener inside the pod", () => {
    for (const app of apps) {
      const env = containerEnv(app);
      const endpoint = new URL(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '');
      const listener = listenerFor(env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf');
      assert.notEqual(listener, 'off', 'the listener is on');
      if (listener === 'off') return;
      assert.equal(endpoint.protocol, 'http:');
      assert.equal(Number(endpoint.port), listener.port, `${app.name} sends to the port otel-dp listens on`);
      const host = endpoint.hostname.replace(/^\[(.*)\]$/, '$1');
      const wildcard = listener.host === '' || listener.host === '0.0.0.0' || listener.host === '::';
      assert.ok(wildcard || host === listener.host, `${app.name} sends to ${host}, otel-dp listens on ${listener.host}`);
      assert.ok(['127.0.0.1', '::1', 'localhost'].includes(host), `${app.name} stays inside the pod`);
    }
  });

  it('keeps otel-dp on loopback, where only the pod reaches it', () => {
    for (const flag of ['http-listen', 'grpc-listen'] as const) {
      const listener = listenerOf(otelDpEnv, flag);
      if (listener !== 'off') assert.match(listener.host, /^(127\.[0-9.]+|::1)$/, `--${flag}`);
    }
    assert.deepEqual(otelDp.ports ?? [], [], 'no port is published');
  });

  it('gives the ledger a volume the container can write', () => {
    const mount = (otelDp.volumeMounts ?? []).find((candidate) => candidate.mountPath === otelDpEnv.OTEL_DP_STATE_DIR);
    assert.ok(mount !== undefined);
    const volume = (pod.volumes ?? []).find((candidate) => candidate.name === mount.name);
    assert.ok(volume?.emptyDir !== undefined, 'an emptyDir (the comments explain its limits)');
  });
});
