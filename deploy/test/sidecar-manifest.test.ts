import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listenerOf } from './support/cli-contract.js';
import { allContainers, containerEnv, findObject, loadManifest, otelDpContainers, podSpecOf, readDeployFile } from './support/deploy-files.js';

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

/** Headroom the memory limit keeps above the worst measured peak. */
const LIMIT_HEADROOM = 1.25;

/** The rows of the README's table of measured memory, by manifest file. */
function memoryTable(): Map<string, Record<string, string>> {
  const lines = readDeployFile('README.md').split('\n');
  const header = lines.findIndex((line) => line.startsWith('| Manifest | `--max-tokens`'));
  assert.ok(header >= 0, 'README.md has the table of measured memory');
  const cells = (line: string): string[] => line.split('|').slice(1, -1).map((cell) => cell.trim().replace(/^`|`$/g, ''));
  const names = cells(lines[header]);
  const rows = new Map<string, Record<string, string>>();
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const row = Object.fromEntries(cells(line).map((cell, index) => [names[index], cell]));
    rows.set(row.Manifest, row);
  }
  return rows;
}

function mebibytes(quantity: string | undefined): number {
  const match = /^([0-9]+)Mi$/.exec(quantity ?? '');
  assert.ok(match !== null, `${String(quantity)} is in Mi`);
  return Number(match[1]);
}

describe('deploy/kubernetes/sidecar.yaml: memory', () => {
  const row = memoryTable().get('kubernetes/sidecar.yaml');

  it('runs with the caps and heap its memory was measured at', () => {
    assert.ok(row !== undefined, 'README.md lists sidecar.yaml');
    assert.equal(otelDpEnv.OTEL_DP_MAX_TOKENS, row['--max-tokens']);
    assert.equal(otelDpEnv.OTEL_DP_MAX_SERIES, row['--max-series']);
    assert.equal(otelDpEnv.OTEL_DP_MAX_REQUEST_BYTES, row['--max-request-bytes']);
    assert.equal(/--max-old-space-size=([0-9]+)/.exec(otelDpEnv.NODE_OPTIONS ?? '')?.[1], row['Heap (MiB)']);
  });

  it('asks for the measured busy peak and is limited above the worst one', () => {
    assert.ok(row !== undefined);
    const { requests, limits } = otelDp.resources ?? {};
    assert.equal(requests?.memory, row.Requests);
    assert.equal(limits?.memory, row.Limits);
    assert.ok(mebibytes(requests?.memory) >= Number(row['Bench peak (MiB)']), 'the request covers the bench load');
    assert.ok(mebibytes(limits?.memory) >= LIMIT_HEADROOM * Number(row['Worst peak (MiB)']), `the limit is at least ${LIMIT_HEADROOM} × the worst peak`);
  });
});
