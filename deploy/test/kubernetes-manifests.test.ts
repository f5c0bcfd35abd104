import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SHUTDOWN_DEADLINE_MILLIS } from '@otel-dp/sidecar';
import { ADMIN_PATHS } from './support/cli-contract.js';
import {
  DEPLOY_DIR,
  allContainers,
  containerEnv,
  loadManifest,
  otelDpContainers,
  parseYamlDocuments,
  podSpecOf,
  type Container,
  type KubernetesObject,
  type PodSpec,
} from './support/deploy-files.js';
import { healthcheckCommand, loadDockerfileStages } from './support/dockerfile-model.js';

const manifestFiles = readdirSync(join(DEPLOY_DIR, 'kubernetes')).filter((name) => /\.ya?ml$/.test(name));
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

function workloads(objects: readonly KubernetesObject[]): KubernetesObject[] {
  return objects.filter((object) => WORKLOAD_KINDS.has(String(object.kind)));
}

function otelDpPods(): Array<{ file: string; workload: string; pod: PodSpec; container: Container }> {
  return manifestFiles.flatMap((file) =>
    workloads(loadManifest(file)).flatMap((workload) => {
      const pod = podSpecOf(workload);
      return otelDpContainers(pod).map((container) => ({ file, workload: String(workload.metadata?.name), pod, container }));
    }),
  );
}

describe('deploy/kubernetes: every manifest', () => {
  it('finds the sidecar and gateway manifests', () => {
    assert.deepEqual([...manifestFiles].sort(), ['gateway.yaml', 'sidecar.yaml']);
  });

  it('parses as YAML and rejects what is not', () => {
    for (const file of manifestFiles) assert.ok(loadManifest(file).length > 0, `${file} has documents`);
    assert.throws(() => parseYamlDocuments('a: 1\na: 2\n', 'duplicate.yaml'), /duplicate\.yaml is not clean YAML/);
    assert.throws(() => parseYamlDocuments('a: [1, 2\n', 'unclosed.yaml'), /unclosed\.yaml is not clean YAML/);
  });

  it('gives every document an apiVersion, a kind and a name, unique per kind and namespace', () => {
    for (const file of manifestFiles) {
      const seen = new Set<string>();
      for (const object of loadManifest(file)) {
        assert.equal(typeof object.apiVersion, 'string', `${file}: apiVersion`);
        assert.equal(typeof object.kind, 'string', `${file}: kind`);
        assert.match(String(object.metadata?.name), /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, `${file}: metadata.name of a ${String(object.kind)}`);
        const key = `${String(object.kind)}/${String(object.metadata?.namespace ?? '')}/${String(object.metadata?.name)}`;
        assert.equal(seen.has(key), false, `${file}: ${key} twice`);
        seen.add(key);
      }
    }
  });

  it('selects its own pods in every workload', () => {
    for (const file of manifestFiles) {
      for (const workload of workloads(loadManifest(file))) {
        const selector = workload.spec?.selector?.matchLabels ?? {};
        const labels = workload.spec?.template?.metadata?.labels ?? {};
        assert.ok(Object.keys(selector).length > 0, `${file}: ${String(workload.metadata?.name)} has a selector`);
        for (const [key, value] of Object.entries(selector)) assert.equal(labels[key], value, `${file}: label ${key} of the pod template`);
      }
    }
  });

  it('turns off the Service variables Kubernetes would add to every container', () => {
    for (const file of manifestFiles) {
      for (const workload of workloads(loadManifest(file))) {
        assert.equal(podSpecOf(workload).enableServiceLinks, false, `${file}: ${String(workload.metadata?.name)} sets enableServiceLinks: false`);
      }
    }
  });

  it('mounts only volumes that the pod declares', () => {
    for (const file of manifestFiles) {
      for (const workload of workloads(loadManifest(file))) {
        const pod = podSpecOf(workload);
        const declared = new Set([...(pod.volumes ?? []).map((volume) => volume.name), ...(workload.spec?.volumeClaimTemplates ?? []).map((claim) => claim.metadata?.name)]);
        for (const container of allContainers(pod)) {
          for (const mount of container.volumeMounts ?? []) assert.ok(declared.has(mount.name), `${file}: ${container.name} mounts ${mount.name}`);
        }
      }
    }
  });
});

describe('deploy/kubernetes: every otel-dp container', () => {
  const pods = otelDpPods();

  it('exists in both manifests', () => {
    assert.deepEqual([...new Set(pods.map(({ file }) => file))].sort(), ['gateway.yaml', 'sidecar.yaml']);
  });

  it('runs `otel-dp run` as a non-root user on a read-only root, without privileges', () => {
    for (const { file, pod, container } of pods) {
      assert.deepEqual(container.args, ['run'], `${file}: args`);
      const context = { ...pod.securityContext, ...container.securityContext };
      assert.equal(context.runAsNonRoot, true, `${file}: runAsNonRoot`);
      assert.ok(context.runAsUser !== undefined && context.runAsUser > 0, `${file}: runAsUser`);
      assert.equal(container.securityContext?.allowPrivilegeEscalation, false, `${file}: allowPrivilegeEscalation`);
      assert.equal(container.securityContext?.readOnlyRootFilesystem, true, `${file}: readOnlyRootFilesystem`);
      assert.deepEqual(container.securityContext?.capabilities?.drop, ['ALL'], `${file}: capabilities`);
    }
  });

  it('asks for CPU and memory and is limited, with a heap below the memory limit', () => {
    for (const { file, container } of pods) {
      for (const kind of ['requests', 'limits'] as const) {
        for (const resource of ['cpu', 'memory']) assert.ok(container.resources?.[kind]?.[resource] !== undefined, `${file}: ${kind}.${resource}`);
      }
      const limitMiB = Number(/^([0-9]+)Mi$/.exec(container.resources?.limits?.memory ?? '')?.[1]);
      const heapMiB = Number(/--max-old-space-size=([0-9]+)/.exec(containerEnv(container, { 'metadata.name': 'pod-0' }).NODE_OPTIONS ?? '')?.[1]);
      assert.ok(heapMiB > 0 && heapMiB < limitMiB, `${file}: heap ${heapMiB} MiB under the ${limitMiB} MiB limit`);
    }
  });

  it('probes readiness and liveness on the paths the admin endpoint serves, with the image health check', () => {
    const imageCheck = healthcheckCommand(loadDockerfileStages());
    const script = imageCheck.slice(0, -1);
    for (const { file, container } of pods) {
      const expected = { startupProbe: ADMIN_PATHS.ready, readinessProbe: ADMIN_PATHS.ready, livenessProbe: ADMIN_PATHS.health };
      for (const [probe, path] of Object.entries(expected)) {
        const command = container[probe as keyof typeof expected]?.exec?.command;
        assert.deepEqual(command, [...script, path], `${file}: ${probe}`);
      }
      assert.notEqual(containerEnv(container, { 'metadata.name': 'pod-0' }).OTEL_DP_ADMIN_LISTEN, 'off', `${file}: the admin endpoint is on`);
    }
  });

  it('gives otel-dp longer than its shutdown deadline to stop', () => {
    for (const { file, pod } of pods) {
      const grace = pod.terminationGracePeriodSeconds ?? 30;
      assert.ok(grace * 1000 > SHUTDOWN_DEADLINE_MILLIS, `${file}: ${grace} s grace, shutdown takes up to ${SHUTDOWN_DEADLINE_MILLIS} ms`);
    }
  });

  it('keeps a capped budget ledger on a mounted volume, the root being read-only', () => {
    const capped = pods.filter(({ container }) => containerEnv(container, { 'metadata.name': 'pod-0' }).OTEL_DP_MAX_EPSILON_HORIZON !== undefined);
    assert.ok(capped.length > 0, 'the examples set a budget cap');
    for (const { file, container } of capped) {
      const env = containerEnv(container, { 'metadata.name': 'pod-0' });
      const stateDir = env.OTEL_DP_STATE_DIR;
      assert.ok(stateDir !== undefined, `${file}: a cap needs OTEL_DP_STATE_DIR`);
      assert.ok((container.volumeMounts ?? []).some((mount) => mount.mountPath === stateDir && mount.readOnly !== true), `${file}: ${stateDir} is a writable mount`);
    }
  });
});
