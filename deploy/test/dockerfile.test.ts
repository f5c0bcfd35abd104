import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import dockerignoreModule from '@balena/dockerignore';
import { validate } from 'dockerfile-utils';
import { ADMIN_PATHS } from './support/cli-contract.js';
import { REPO_ROOT, readDeployFile } from './support/deploy-files.js';
import { execForm, healthcheckCommand, instructionsOf, loadDockerfileStages } from './support/dockerfile-model.js';

// CommonJS (`module.exports = factory`) typed as `export default factory`:
// under NodeNext the default import is the factory itself at run time.
const dockerignore = dockerignoreModule as unknown as typeof dockerignoreModule.default;

const stages = loadDockerfileStages();
const finalStage = stages[stages.length - 1];

describe('deploy/Dockerfile', () => {
  it('passes the Dockerfile validator without a diagnostic', () => {
    assert.deepEqual(
      validate(readDeployFile('Dockerfile')).map((diagnostic) => `line ${diagnostic.range.start.line + 1}: ${diagnostic.message}`),
      [],
    );
  });

  it('is checked by a validator that does report broken instructions', () => {
    const diagnostics = validate('FROM node:20-bookworm-slim\nEXPOSE port\nCOPY one\n');
    assert.ok(diagnostics.length >= 2, `expected diagnostics for EXPOSE and COPY, got ${JSON.stringify(diagnostics)}`);
  });

  it('builds in one stage and runs from a second, slim Node.js 20 image', () => {
    assert.ok(stages.length >= 2, `expected at least two FROM stages, found ${stages.length}`);
    for (const stage of stages) assert.match(stage.image, /^node:20(\.[0-9.]+)?-bookworm-slim(@sha256:[0-9a-f]{64})?$/);
    const builders = stages.slice(0, -1);
    const install = builders.flatMap((stage) => instructionsOf(stage, 'RUN')).find((run) => run.content.includes('pnpm install --frozen-lockfile'));
    assert.ok(install !== undefined, 'a build stage installs with pnpm install --frozen-lockfile');
    assert.equal(instructionsOf(finalStage, 'RUN').some((run) => /\b(pnpm|npm) (install|ci)\b/.test(run.content)), false, 'the final stage installs nothing');
  });

  it('copies into the final stage only from a named earlier stage', () => {
    const names = new Set(stages.slice(0, -1).map((stage) => stage.name));
    const copies = [...instructionsOf(finalStage, 'COPY'), ...instructionsOf(finalStage, 'ADD')];
    assert.ok(copies.length > 0);
    for (const copy of copies) {
      assert.ok(names.has(copy.flags.from), `line ${copy.line}: copies from "${copy.flags.from ?? 'the build context'}", not a build stage`);
    }
  });

  it('installs the pnpm of the root package.json', () => {
    const rootPackage = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { packageManager: string };
    const pnpmArg = stages.flatMap((stage) => instructionsOf(stage, 'ARG')).find((arg) => arg.content.startsWith('PNPM_VERSION='));
    assert.ok(pnpmArg !== undefined, 'ARG PNPM_VERSION');
    assert.equal(`pnpm@${pnpmArg.content.slice('PNPM_VERSION='.length)}`, rootPackage.packageManager);
  });

  it('adds no remote URL', () => {
    for (const add of stages.flatMap((stage) => instructionsOf(stage, 'ADD'))) {
      for (const source of add.args.slice(0, -1)) assert.doesNotMatch(source, /^(https?|git|ssh):|^git@/, `line ${add.line}`);
    }
  });

  it('runs the final stage as a numeric, non-root user', () => {
    const users = instructionsOf(finalStage, 'USER');
    assert.ok(users.length > 0, 'the final stage sets USER');
    const [user, group] = users[users.length - 1].args[0].split(':');
    assert.match(user, /^[0-9]+$/, 'USER is numeric, so runAsNonRoot can check it');
    assert.notEqual(Number(user), 0);
    if (group !== undefined) assert.notEqual(Number(group), 0);
  });

  it('starts the otel-dp bin with run, and that bin exists', () => {
    const [entrypoint] = instructionsOf(finalStage, 'ENTRYPOINT');
    assert.ok(entrypoint !== undefined, 'ENTRYPOINT');
    const command = execForm(entrypoint.content);
    assert.deepEqual(command, ['node', 'packages/sidecar/bin/otel-dp.js']);
    assert.ok(existsSync(join(REPO_ROOT, command[1])), `${command[1]} exists in the repository`);
    const [cmd] = instructionsOf(finalStage, 'CMD');
    assert.deepEqual(execForm(cmd.content), ['run']);
    const [workdir] = instructionsOf(finalStage, 'WORKDIR');
    assert.equal(workdir.args[0], '/app');
  });

  it('exposes OTLP gRPC, OTLP/HTTP and the admin port', () => {
    const ports = instructionsOf(finalStage, 'EXPOSE').flatMap((expose) => expose.args.map((port) => Number(port.split('/')[0])));
    for (const port of [4317, 4318, 13133]) assert.ok(ports.includes(port), `EXPOSE ${port}`);
  });

  it('checks health with the copied script on /healthz', () => {
    const command = healthcheckCommand(stages);
    assert.deepEqual(command, ['node', '/app/deploy/healthcheck.mjs', ADMIN_PATHS.health]);
    const copied = stages.slice(0, -1).flatMap((stage) => instructionsOf(stage, 'COPY')).some((copy) => copy.args[0] === 'deploy/healthcheck.mjs');
    assert.ok(copied, 'a build stage copies deploy/healthcheck.mjs');
  });

  it('copies from the build context only files that exist and that its ignore file sends', () => {
    const ignored = dockerignore().add(readDeployFile('Dockerfile.dockerignore'));
    const sources = stages
      .flatMap((stage) => instructionsOf(stage, 'COPY'))
      .filter((copy) => copy.flags.from === undefined)
      .flatMap((copy) => copy.args.slice(0, -1));
    assert.ok(sources.length >= 5);
    for (const source of sources) {
      const path = source.replace(/\/$/, '');
      assert.ok(existsSync(join(REPO_ROOT, path)), `${source} exists in the repository`);
      assert.equal(ignored.ignores(path), false, `${source} is in the build context`);
    }
    for (const hostOutput of ['node_modules/yaml/package.json', 'packages/sidecar/node_modules/yargs', 'packages/otlp/dist/src/index.js', '.git/HEAD']) {
      assert.equal(ignored.ignores(hostOutput), true, `${hostOutput} stays out of the build context`);
    }
  });
});
