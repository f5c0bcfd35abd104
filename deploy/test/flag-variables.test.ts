import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { PrivacyAccountant, calibrateWindow } from '@otel-dp/processor-dp';
import { parseDuration, parseRunConfig, type LocalHost, type RunConfig } from '@otel-dp/sidecar';
import { FLAGS_AWAITED_FROM_CLI, flagOfVariable, withoutAwaitedFlags } from './support/cli-contract.js';
import { DEPLOY_DIR, containerEnv, loadManifest, objectsOfKind, otelDpContainers, podSpecOf, type KubernetesObject } from './support/deploy-files.js';
import { serviceLinkVariables } from './support/service-links.js';
import { loadUnit, unitEnvironment } from './support/unit-file.js';

/** This machine, as the self-export check sees it: none of the example endpoints. */
const LOCAL: LocalHost = { hostname: 'deploy-check', addresses: ['127.0.0.1', '::1'] };

/** Deployment files and docs (not the checks, dependencies or build output). */
function deployTexts(): Array<{ path: string; text: string }> {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (['node_modules', 'dist', 'test'].includes(name)) continue;
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(DEPLOY_DIR);
  return files.map((path) => ({ path: relative(DEPLOY_DIR, path), text: readFileSync(path, 'utf8') }));
}

/** Every otel-dp environment the examples define: each container, and the systemd unit. */
function otelDpEnvironments(): Array<{ where: string; env: Record<string, string> }> {
  const fromManifests = ['sidecar.yaml', 'gateway.yaml'].flatMap((file) =>
    loadManifest(file)
      .filter((object) => object.spec?.template !== undefined)
      .flatMap((workload) =>
        otelDpContainers(podSpecOf(workload)).map((container) => ({
          where: `${file} ${String(workload.metadata?.name)}/${container.name}`,
          env: containerEnv(container, { 'metadata.name': `${String(workload.metadata?.name)}-0` }),
        })),
      ),
  );
  return [...fromManifests, { where: 'systemd/otel-dp.service', env: unitEnvironment(loadUnit()) }];
}

describe('deploy: OTEL_DP_* variables', () => {
  it('name a flag of `otel-dp run` everywhere in deploy/', () => {
    let seen = 0;
    for (const { path, text } of deployTexts()) {
      for (const [name] of text.matchAll(/\bOTEL_DP_[A-Z0-9_]*[A-Z0-9]/g)) {
        seen++;
        assert.ok(flagOfVariable(name) !== undefined, `${path}: ${name} is no flag's variable`);
      }
    }
    assert.ok(seen > 20, `found ${seen} variables`);
  });

  it('are all accepted by the CLI, with the values meant', (t) => {
    const environments = otelDpEnvironments();
    assert.equal(environments.length, 3);
    const awaited = new Set<string>();
    for (const { where, env } of environments) {
      const { cliEnv, awaited: pending } = withoutAwaitedFlags(env);
      for (const flag of pending) awaited.add(flag);
      let config: RunConfig;
      try {
        config = parseRunConfig([], cliEnv, LOCAL);
      } catch (error) {
        assert.fail(`${where}: the CLI refuses it: ${(error as Error).message}`);
      }
      if (cliEnv.OTEL_DP_EPSILON !== undefined) assert.equal(config.processor.epsilon, Number(cliEnv.OTEL_DP_EPSILON), `${where}: epsilon`);
      if (cliEnv.OTEL_DP_WINDOW !== undefined) assert.equal(config.processor.windowMillis, parseDuration(cliEnv.OTEL_DP_WINDOW, 'window'), `${where}: window`);
      if (cliEnv.OTEL_DP_MAX_SERIES_PER_TOKEN !== undefined) {
        assert.equal(config.processor.maxSeriesPerToken, Number(cliEnv.OTEL_DP_MAX_SERIES_PER_TOKEN), `${where}: max series per token`);
      }
    }
    const missing = FLAGS_AWAITED_FROM_CLI.filter((flag) => awaited.has(flag));
    if (missing.length > 0) t.diagnostic(`set but not yet defined by the CLI: ${missing.map((flag) => `--${flag}`).join(', ')}`);
  });

  it('are accepted next to the variables Kubernetes adds for the namespace\'s Services, one named otel-dp among them', () => {
    const gatewayServices = objectsOfKind(loadManifest('gateway.yaml'), 'Service');
    const otelDp = (name: string): KubernetesObject => ({
      kind: 'Service',
      metadata: { name },
      spec: { ports: [{ name: 'otlp-grpc', port: 4317 }, { name: 'otlp-http', port: 4318 }, { port: 13133, protocol: 'UDP' }] },
    });
    const services = [...gatewayServices, otelDp('otel-dp'), otelDp('otel-dp-admin')];
    for (const [index, clusterIp] of ['10.96.4.7', 'fd00:10:96::4:7'].entries()) {
      const injected = Object.assign({}, ...services.map((service) => serviceLinkVariables(service, clusterIp))) as Record<string, string>;
      const names = Object.keys(injected);
      assert.ok(names.includes('OTEL_DP_SERVICE_HOST') && names.includes('OTEL_DP_PORT_4317_TCP_ADDR') && names.includes('OTEL_DP_ADMIN_SERVICE_PORT_OTLP_HTTP'));
      assert.ok(names.includes('OTEL_GATEWAY_RELEASED_SERVICE_HOST') && !names.some((name) => name.startsWith('OTEL_DP_SHARDS_')), 'a headless Service has none');
      for (const { where, env } of otelDpEnvironments()) {
        const { cliEnv } = withoutAwaitedFlags(env);
        const alone = parseRunConfig([], cliEnv, LOCAL);
        let withLinks: RunConfig;
        try {
          withLinks = parseRunConfig([], { ...injected, ...cliEnv }, LOCAL);
        } catch (error) {
          assert.fail(`${where} (cluster IP ${index === 0 ? 'IPv4' : 'IPv6'}): the CLI refuses the Service variables: ${(error as Error).message}`);
        }
        assert.deepEqual(withLinks, alone, `${where}: the Service variables change nothing`);
      }
    }
  });

  it('cap the budget high enough for a full horizon of windows', async () => {
    const capped = otelDpEnvironments().filter(({ env }) => env.OTEL_DP_MAX_EPSILON_HORIZON !== undefined);
    assert.ok(capped.length >= 2);
    for (const { where, env } of capped) {
      const { processor } = parseRunConfig([], withoutAwaitedFlags(env).cliEnv, LOCAL);
      // As the CLI parsed them where it defines the flags, else as it will.
      const horizonMillis = processor.budgetHorizonMillis ?? parseDuration(env.OTEL_DP_BUDGET_HORIZON ?? '24h', 'budget-horizon');
      const maxEpsilon = processor.maxEpsilonHorizon ?? Number(env.OTEL_DP_MAX_EPSILON_HORIZON);
      const { spend } = calibrateWindow(processor);
      const stateDir = await mkdtemp(join(tmpdir(), 'otel-dp-budget-'));
      const accountant = await PrivacyAccountant.open({ horizonMillis, maxEpsilon, stateDir });
      try {
        const windows = Math.floor(horizonMillis / processor.windowMillis);
        for (let index = 0; index < windows; index++) {
          const at = index * processor.windowMillis;
          assert.ok(accountant.canSpend(spend, at), `${where}: window ${index + 1} of ${windows} is refused by the cap of ${maxEpsilon}`);
          await accountant.record(spend, at);
        }
        const { spentEpsilon } = accountant.status((windows - 1) * processor.windowMillis);
        assert.ok(spentEpsilon <= maxEpsilon, `${where}: a horizon spends ε = ${spentEpsilon}, over the cap of ${maxEpsilon}`);
        assert.ok(spentEpsilon > maxEpsilon / 2, `${where}: a horizon spends ε = ${spentEpsilon}: a cap of ${maxEpsilon} would never bind`);
      } finally {
        await accountant.close();
        await rm(stateDir, { recursive: true, force: true });
      }
    }
  });
});
