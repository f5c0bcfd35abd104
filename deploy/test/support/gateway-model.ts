import assert from 'node:assert/strict';
import {
  containerEnv,
  findObject,
  loadManifest,
  objectsOfKind,
  otelDpContainers,
  parseYamlDocuments,
  podSpecOf,
  splitHostPort,
  type KubernetesObject,
} from './deploy-files.js';

// gateway.yaml as its checks read it: the objects, the shards, the collector
// and the collector's configuration.

export const NAMESPACE = 'otel-dp';
export const objects = loadManifest('gateway.yaml');
export const [shards] = objectsOfKind(objects, 'StatefulSet');
export const [collectorDeployment] = objectsOfKind(objects, 'Deployment');
export const [shard] = otelDpContainers(podSpecOf(shards));
export const shardEnv = containerEnv(shard, { 'metadata.name': `${String(shards.metadata?.name)}-0` });
export const [collector] = podSpecOf(collectorDeployment).containers ?? [];

export interface Pipeline {
  receivers?: string[];
  processors?: string[];
  exporters?: string[];
}

export interface AttributeAction {
  key: string;
  from_context?: string;
  action: string;
}

/** The parts of the attributes, resource and filter processors the checks read. */
export interface Processor {
  actions?: AttributeAction[];
  attributes?: AttributeAction[];
  error_mode?: string;
  metrics?: { datapoint?: string[]; metric?: string[] };
}

export interface CollectorConfig {
  extensions?: Record<string, unknown>;
  receivers?: Record<string, { protocols?: Record<string, { endpoint?: string; include_metadata?: boolean }> }>;
  processors?: Record<string, Processor | null>;
  exporters?: Record<string, Record<string, unknown> | null>;
  service?: { extensions?: string[]; pipelines?: Record<string, Pipeline> };
}

/** The collector's configuration, from the ConfigMap file its --config flag names. */
export function collectorConfig(): CollectorConfig {
  const configArg = (collector.args ?? []).find((arg) => arg.startsWith('--config='));
  assert.ok(configArg !== undefined, 'the collector is given --config');
  const path = configArg.slice('--config='.length);
  const mount = (collector.volumeMounts ?? []).find((candidate) => path.startsWith(`${candidate.mountPath}/`));
  assert.ok(mount !== undefined, `${path} is on a mounted volume`);
  const volume = (podSpecOf(collectorDeployment).volumes ?? []).find((candidate) => candidate.name === mount.name);
  assert.ok(volume?.configMap !== undefined, 'from a ConfigMap');
  const configMap = findObject(objects, 'ConfigMap', volume.configMap.name);
  const text = configMap.data?.[path.slice(mount.mountPath.length + 1)];
  assert.ok(text !== undefined, `the ConfigMap holds ${path}`);
  const [config] = parseYamlDocuments(text, 'the collector configuration');
  return config as CollectorConfig;
}

export const config = collectorConfig();
export const pipelines = Object.entries(config.service?.pipelines ?? {});
export const isLoadBalancing = (id: string): boolean => /^(load_balancing|loadbalancing)(\/|$)/.test(id);

/** The component type of an id such as `otlp/released`. */
export function typeOf(id: string): string {
  return id.split('/')[0];
}

/** Pipelines fed by the receiver that listens on this port. */
export function pipelinesOnPort(port: number): Array<[string, Pipeline]> {
  const receivers = Object.entries(config.receivers ?? {})
    .filter(([, receiver]) => Object.values(receiver.protocols ?? {}).some((protocol) => protocol.endpoint !== undefined && splitHostPort(protocol.endpoint).port === port))
    .map(([id]) => id);
  assert.equal(receivers.length, 1, `one receiver listens on ${port}`);
  return pipelines.filter(([, pipeline]) => (pipeline.receivers ?? []).includes(receivers[0]));
}

/** The collector container's port behind a Service port. */
export function containerPortBehind(service: KubernetesObject, port: number): number {
  const servicePort = (service.spec?.ports ?? []).find((candidate) => candidate.port === port);
  assert.ok(servicePort !== undefined, `${String(service.metadata?.name)} exposes ${port}`);
  const target = servicePort.targetPort ?? port;
  if (typeof target === 'number') return target;
  const named = (collector.ports ?? []).find((candidate) => candidate.name === target);
  assert.ok(named !== undefined, `the collector has a port named ${target}`);
  return named.containerPort;
}

/** NetworkPolicies whose pod selector picks the pods of this workload. */
export function policiesSelecting(workload: KubernetesObject): KubernetesObject[] {
  return objectsOfKind(objects, 'NetworkPolicy').filter((policy) => isSubset(policy.spec?.podSelector?.matchLabels ?? {}, podLabels(workload)));
}

export function podLabels(workload: KubernetesObject): Record<string, string> {
  return workload.spec?.template?.metadata?.labels ?? {};
}

export function isSubset(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return selector !== undefined && Object.entries(selector).every(([key, value]) => labels[key] === value);
}
