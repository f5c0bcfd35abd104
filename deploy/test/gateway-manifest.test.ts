import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TOKEN_ATTRIBUTE } from '@otel-dp/processor-dp';
import { listenerOf } from './support/cli-contract.js';
import { findObject, podSpecOf } from './support/deploy-files.js';
import {
  NAMESPACE,
  collectorDeployment,
  config,
  containerPortBehind,
  isLoadBalancing,
  objects,
  pipelines,
  pipelinesOnPort,
  policiesSelecting,
  shard,
  shardEnv,
  shards,
  typeOf,
} from './support/gateway-model.js';

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
