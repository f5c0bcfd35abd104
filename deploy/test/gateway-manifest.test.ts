import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TOKEN_ATTRIBUTE } from '@otel-dp/processor-dp';
import { listenerOf } from './support/cli-contract.js';
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
  type NetworkPolicyIngressRule,
} from './support/deploy-files.js';

const NAMESPACE = 'otel-dp';
const objects = loadManifest('gateway.yaml');
const [shards] = objectsOfKind(objects, 'StatefulSet');
const [collectorDeployment] = objectsOfKind(objects, 'Deployment');
const [shard] = otelDpContainers(podSpecOf(shards));
const shardEnv = containerEnv(shard, { 'metadata.name': `${String(shards.metadata?.name)}-0` });
const [collector] = podSpecOf(collectorDeployment).containers ?? [];

interface Pipeline {
  receivers?: string[];
  processors?: string[];
  exporters?: string[];
}

interface AttributeAction {
  key: string;
  from_context?: string;
  action: string;
}

/** The parts of the attributes, resource and filter processors the checks read. */
interface Processor {
  actions?: AttributeAction[];
  attributes?: AttributeAction[];
  error_mode?: string;
  metrics?: { datapoint?: string[]; metric?: string[] };
}

interface CollectorConfig {
  extensions?: Record<string, unknown>;
  receivers?: Record<string, { protocols?: Record<string, { endpoint?: string; include_metadata?: boolean }> }>;
  processors?: Record<string, Processor | null>;
  exporters?: Record<string, Record<string, unknown> | null>;
  service?: { extensions?: string[]; pipelines?: Record<string, Pipeline> };
}

/** The collector's configuration, from the ConfigMap file its --config flag names. */
function collectorConfig(): CollectorConfig {
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

const config = collectorConfig();
const pipelines = Object.entries(config.service?.pipelines ?? {});
const isLoadBalancing = (id: string): boolean => /^(load_balancing|loadbalancing)(\/|$)/.test(id);

/** The component type of an id such as `otlp/released`. */
function typeOf(id: string): string {
  return id.split('/')[0];
}

/** Pipelines fed by the receiver that listens on this port. */
function pipelinesOnPort(port: number): Array<[string, Pipeline]> {
  const receivers = Object.entries(config.receivers ?? {})
    .filter(([, receiver]) => Object.values(receiver.protocols ?? {}).some((protocol) => protocol.endpoint !== undefined && splitHostPort(protocol.endpoint).port === port))
    .map(([id]) => id);
  assert.equal(receivers.length, 1, `one receiver listens on ${port}`);
  return pipelines.filter(([, pipeline]) => (pipeline.receivers ?? []).includes(receivers[0]));
}

/** The collector container's port behind a Service port. */
function containerPortBehind(service: KubernetesObject, port: number): number {
  const servicePort = (service.spec?.ports ?? []).find((candidate) => candidate.port === port);
  assert.ok(servicePort !== undefined, `${String(service.metadata?.name)} exposes ${port}`);
  const target = servicePort.targetPort ?? port;
  if (typeof target === 'number') return target;
  const named = (collector.ports ?? []).find((candidate) => candidate.name === target);
  assert.ok(named !== undefined, `the collector has a port named ${target}`);
  return named.containerPort;
}

describe('deploy/kubernetes/gateway.yaml: objects', () => {
  it('puts everything in the otel-dp namespace, which it creates', () => {
    findObject(objects, 'Namespace', NAMESPACE);
    for (const object of objects.filter((candidate) => candidate.kind !== 'Namespace')) {
      assert.equal(object.metadata?.namespace, NAMESPACE, `${String(object.kind)} ${String(object.metadata?.name)}`);
    }
  });

  it('runs otel-dp shards as a StatefulSet behind the headless Service it names', () => {
    assert.ok(shards !== undefined && shard !== undefined);
    const service = findObject(objects, 'Service', String(shards.spec?.serviceName));
    assert.equal(service.spec?.clusterIP, 'None', 'headless: one DNS name per shard');
    assert.deepEqual(service.spec?.selector, shards.spec?.selector?.matchLabels);
    const listener = listenerOf(shardEnv, 'grpc-listen');
    assert.notEqual(listener, 'off');
    if (listener === 'off') return;
    assert.match(listener.host, /^(|0\.0\.0\.0|::)$/, 'reachable from the collector over the pod network');
    const [port] = service.spec?.ports ?? [];
    const target = typeof port.targetPort === 'string' ? shard.ports?.find((candidate) => candidate.name === port.targetPort)?.containerPort : port.targetPort;
    assert.equal(target, listener.port, 'the Service reaches the gRPC listener');
  });

  it('keeps each shard ledger on its own persistent volume, writable by the otel-dp user', () => {
    const claims = (shards.spec?.volumeClaimTemplates ?? []).map((claim) => claim.metadata?.name);
    const mount = (shard.volumeMounts ?? []).find((candidate) => candidate.mountPath === shardEnv.OTEL_DP_STATE_DIR);
    assert.ok(mount !== undefined && claims.includes(mount.name));
    const pod = podSpecOf(shards);
    assert.equal(pod.securityContext?.fsGroup, pod.securityContext?.runAsGroup ?? shard.securityContext?.runAsGroup);
  });

  it('admits only the collector to the shards', () => {
    const policies = policiesSelecting(shards);
    assert.equal(policies.length, 1);
    const sources = (policies[0].spec?.ingress ?? []).flatMap((rule) => rule.from ?? []);
    assert.deepEqual(sources, [{ podSelector: { matchLabels: collectorDeployment.spec?.selector?.matchLabels } }]);
  });

  it("publishes the collector's released port on a Service of its own, not on the applications' one", () => {
    const releasedPort = releasedContainerPort();
    const publishing = objectsOfKind(objects, 'Service').filter(
      (service) =>
        isSubset(service.spec?.selector, podLabels(collectorDeployment)) &&
        (service.spec?.ports ?? []).some((port) => containerPortBehind(service, port.port) === releasedPort),
    );
    assert.deepEqual(
      publishing.map((service) => service.metadata?.name),
      [new URL(shardEnv.OTEL_DP_OTLP_ENDPOINT ?? '').hostname.split('.')[0]],
      'only the Service the shards export to',
    );
    assert.deepEqual(
      (publishing[0].spec?.ports ?? []).map((port) => containerPortBehind(publishing[0], port.port)),
      [releasedPort],
      'and nothing else on it',
    );
  });

  it('admits only the shards to the released port, and anyone to the OTLP ports', () => {
    const policies = policiesSelecting(collectorDeployment);
    assert.ok(policies.length > 0, 'a NetworkPolicy isolates the collector');
    for (const policy of policies) assert.ok((policy.spec?.policyTypes ?? ['Ingress']).includes('Ingress'));
    const rules = policies.flatMap((policy) => policy.spec?.ingress ?? []);
    const releasedPort = releasedContainerPort();
    const admitting = rules.filter((rule) => ruleCoversPort(rule, releasedPort));
    assert.ok(admitting.length > 0, 'the shards are admitted');
    for (const rule of admitting) {
      assert.ok((rule.from ?? []).length > 0, `a rule admits every source to ${releasedPort}`);
      for (const peer of rule.from ?? []) {
        assert.deepEqual(peer, { podSelector: { matchLabels: shards.spec?.selector?.matchLabels } }, `only the shards' pods, in this namespace, reach ${releasedPort}`);
      }
    }
    const service = findObject(objects, 'Service', String(collectorDeployment.metadata?.name));
    for (const port of [4317, 4318]) {
      const target = containerPortBehind(service, port);
      assert.ok(rules.some((rule) => ruleCoversPort(rule, target) && (rule.from ?? []).length === 0), `applications anywhere reach ${port}`);
    }
  });
});

/** NetworkPolicies whose pod selector picks the pods of this workload. */
function policiesSelecting(workload: KubernetesObject): KubernetesObject[] {
  return objectsOfKind(objects, 'NetworkPolicy').filter((policy) => isSubset(policy.spec?.podSelector?.matchLabels ?? {}, podLabels(workload)));
}

function podLabels(workload: KubernetesObject): Record<string, string> {
  return workload.spec?.template?.metadata?.labels ?? {};
}

function isSubset(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return selector !== undefined && Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** Whether an ingress rule lets traffic reach this container port of the collector (no ports: every port). */
function ruleCoversPort(rule: NetworkPolicyIngressRule, containerPort: number): boolean {
  if (rule.ports === undefined || rule.ports.length === 0) return true;
  return rule.ports.some((port) => {
    if (port.port === undefined) return true;
    if (typeof port.port === 'number') return port.port === containerPort;
    return (collector.ports ?? []).some((candidate) => candidate.name === port.port && candidate.containerPort === containerPort);
  });
}

/** The collector's container port whose receiver feeds the pipeline to the backend. */
function releasedContainerPort(): number {
  const endpoint = new URL(shardEnv.OTEL_DP_OTLP_ENDPOINT ?? '');
  const service = findObject(objects, 'Service', endpoint.hostname.split('.')[0]);
  return containerPortBehind(service, Number(endpoint.port));
}

describe('deploy/kubernetes/gateway.yaml: the released pipeline never forwards a token', () => {
  const tokenAttribute = shardEnv.OTEL_DP_TOKEN_ATTRIBUTE ?? DEFAULT_TOKEN_ATTRIBUTE;
  const released = pipelinesOnPort(releasedContainerPort());
  const processor = (id: string): Processor => config.processors?.[id] ?? {};

  it('drops a data point whose point, scope or resource still carries the token attribute, failing closed', () => {
    assert.ok(released.length > 0);
    const expected = [`attributes["${tokenAttribute}"] != nil`, `instrumentation_scope.attributes["${tokenAttribute}"] != nil`, `resource.attributes["${tokenAttribute}"] != nil`];
    for (const [name, pipeline] of released) {
      const filters = (pipeline.processors ?? []).filter((id) => typeOf(id) === 'filter');
      const conditions = filters.flatMap((id) => (processor(id).metrics?.datapoint ?? []).map((condition) => condition.replace(/\s+/g, ' ').trim()));
      for (const condition of expected) assert.ok(conditions.includes(condition), `${name}: a filter drops points where ${condition}`);
      for (const id of filters) assert.notEqual(processor(id).error_mode, 'ignore', `${name}: ${id} lets data through when a condition fails`);
    }
  });

  it('deletes the attribute behind the filter, and never sets it', () => {
    for (const [name, pipeline] of released) {
      const ids = pipeline.processors ?? [];
      const actionsOf = (id: string): AttributeAction[] => [...(processor(id).actions ?? []), ...(processor(id).attributes ?? [])];
      const firstFilter = ids.findIndex((id) => typeOf(id) === 'filter');
      for (const type of ['attributes', 'resource']) {
        const deleting = ids.findIndex((id) => typeOf(id) === type && actionsOf(id).some((action) => action.key === tokenAttribute && action.action === 'delete'));
        assert.ok(deleting >= 0, `${name}: a ${type} processor deletes ${tokenAttribute}`);
        assert.ok(firstFilter >= 0 && firstFilter < deleting, `${name}: after the filter, which must see the attribute to drop the point`);
      }
      for (const id of ids) {
        for (const action of actionsOf(id)) {
          assert.ok(action.key !== tokenAttribute || action.action === 'delete', `${name}: ${id} ${action.action}s ${tokenAttribute}`);
        }
      }
    }
  });
});

describe('deploy/kubernetes/gateway.yaml: collector configuration', () => {
  it('uses in its pipelines only components it defines, and defines none it does not use', () => {
    const used = { receivers: new Set<string>(), processors: new Set<string>(), exporters: new Set<string>() };
    assert.ok(pipelines.length >= 2);
    for (const [name, pipeline] of pipelines) {
      assert.match(name, /^metrics(\/|$)/, `${name} is a metrics pipeline`);
      for (const kind of ['receivers', 'processors', 'exporters'] as const) {
        for (const id of pipeline[kind] ?? []) {
          assert.ok(config[kind] !== undefined && id in config[kind], `${name}: ${kind} ${id} is defined`);
          used[kind].add(id);
        }
      }
      assert.ok((pipeline.receivers ?? []).length > 0 && (pipeline.exporters ?? []).length > 0, `${name} receives and exports`);
    }
    for (const kind of ['receivers', 'processors', 'exporters'] as const) {
      assert.deepEqual(Object.keys(config[kind] ?? {}).sort(), [...used[kind]].sort(), `every ${kind.slice(0, -1)} is used`);
    }
    assert.deepEqual(Object.keys(config.extensions ?? {}).sort(), [...(config.service?.extensions ?? [])].sort(), 'every extension is enabled');
  });

  it("routes by the shards' token attribute to every shard, by its stable name", () => {
    const routing = pipelines.filter(([, pipeline]) => (pipeline.exporters ?? []).some(isLoadBalancing));
    assert.equal(routing.length, 1, 'one pipeline routes to the shards');
    const [exporterId] = (routing[0][1].exporters ?? []).filter(isLoadBalancing);
    const exporter = config.exporters?.[exporterId] as { routing_key?: string; routing_attributes?: string[]; resolver?: { static?: { hostnames?: string[] } } };
    const tokenAttribute = shardEnv.OTEL_DP_TOKEN_ATTRIBUTE ?? DEFAULT_TOKEN_ATTRIBUTE;
    assert.equal(exporter.routing_key, 'attributes');
    assert.deepEqual(exporter.routing_attributes, [tokenAttribute]);
    const listener = listenerOf(shardEnv, 'grpc-listen');
    assert.notEqual(listener, 'off');
    if (listener === 'off') return;
    const replicas = shards.spec?.replicas ?? 1;
    const expected = Array.from(
      { length: replicas },
      (_, index) => `${String(shards.metadata?.name)}-${index}.${String(shards.spec?.serviceName)}.${NAMESPACE}.svc.cluster.local:${listener.port}`,
    );
    assert.deepEqual(exporter.resolver?.static?.hostnames, expected, 'one host name per StatefulSet replica');
  });

  it('copies a token header onto data points before batching, on a receiver that keeps headers', () => {
    const [[, raw]] = pipelines.filter(([, pipeline]) => (pipeline.exporters ?? []).some(isLoadBalancing));
    const processors = raw.processors ?? [];
    const tokenAttribute = shardEnv.OTEL_DP_TOKEN_ATTRIBUTE ?? DEFAULT_TOKEN_ATTRIBUTE;
    const copier = processors.find((id) => typeOf(id) === 'attributes' && (config.processors?.[id]?.actions ?? []).some((action) => action.key === tokenAttribute));
    assert.ok(copier !== undefined, 'an attributes processor sets the token attribute');
    const [action] = config.processors?.[copier]?.actions ?? [];
    assert.equal(action.action, 'insert', 'never overriding a token the point carries');
    assert.match(action.from_context ?? '', /^metadata\./);
    if (processors.includes('batch')) assert.ok(processors.indexOf(copier) < processors.indexOf('batch'), 'before batch, which drops request headers');
    for (const receiver of raw.receivers ?? []) {
      for (const protocol of Object.values(config.receivers?.[receiver]?.protocols ?? {})) assert.equal(protocol.include_metadata, true, `${receiver} keeps headers`);
    }
  });

  it('takes the released windows back on a separate pipeline that never reaches the shards', () => {
    assert.equal(shardEnv.OTEL_DP_OTLP_PROTOCOL, 'grpc');
    const endpoint = new URL(shardEnv.OTEL_DP_OTLP_ENDPOINT ?? '');
    const [serviceName, serviceNamespace] = endpoint.hostname.split('.');
    assert.equal(serviceNamespace, NAMESPACE);
    const service = findObject(objects, 'Service', serviceName);
    assert.deepEqual(service.spec?.selector, collectorDeployment.spec?.selector?.matchLabels, 'the Service is the collector');
    const released = pipelinesOnPort(containerPortBehind(service, Number(endpoint.port)));
    assert.ok(released.length > 0);
    for (const [name, pipeline] of released) {
      assert.equal((pipeline.exporters ?? []).some(isLoadBalancing), false, `${name} does not send released data back to the shards`);
      const header = /^([^=]+)=/.exec(shardEnv.OTEL_DP_OTLP_HEADER ?? '')?.[1];
      assert.ok(header !== undefined, 'each shard names itself in a header');
      const tagged = (pipeline.processors ?? []).some((id) =>
        (config.processors?.[id]?.actions ?? []).some((action) => action.from_context === `metadata.${header}`),
      );
      assert.ok(tagged, `${name} turns the ${header} header into an attribute, keeping the shards' series apart`);
    }
    assert.match(shardEnv.OTEL_DP_OTLP_HEADER ?? '', /=otel-dp-0$/, 'the header carries the pod name');
  });

  it('exposes the raw pipeline to the applications on the OTLP ports', () => {
    const service = findObject(objects, 'Service', String(collectorDeployment.metadata?.name));
    for (const port of [4317, 4318]) {
      const fed = pipelinesOnPort(containerPortBehind(service, port));
      assert.ok(fed.length > 0 && fed.every(([, pipeline]) => (pipeline.exporters ?? []).some(isLoadBalancing)), `${port} feeds the routing pipeline`);
    }
  });
});
