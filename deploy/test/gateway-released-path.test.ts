import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TOKEN_ATTRIBUTE } from '@otel-dp/processor-dp';
import { findObject, objectsOfKind, type NetworkPolicyIngressRule } from './support/deploy-files.js';
import {
  collector,
  collectorDeployment,
  config,
  containerPortBehind,
  isSubset,
  objects,
  pipelinesOnPort,
  podLabels,
  policiesSelecting,
  shardEnv,
  shards,
  typeOf,
  type AttributeAction,
  type Processor,
} from './support/gateway-model.js';

// The collector's second pipeline forwards what reaches it to the backend
// without privatizing it: only the shards may reach it, and it must not pass
// on data that still carries a token.

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

describe('deploy/kubernetes/gateway.yaml: only the shards reach the released pipeline', () => {
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
