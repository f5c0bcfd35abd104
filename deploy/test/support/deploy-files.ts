import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** deploy/ of the checkout (this module runs from deploy/dist/test/support/). */
export const DEPLOY_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The repository root, the Docker build context. */
export const REPO_ROOT = resolve(DEPLOY_DIR, '..');

/** A file under deploy/, as text. */
export function readDeployFile(relativePath: string): string {
  return readFileSync(join(DEPLOY_DIR, relativePath), 'utf8');
}

/**
 * Every document of a YAML text as plain data.
 * @throws {Error} listing each parse error or warning, with its line.
 */
export function parseYamlDocuments(text: string, source: string): unknown[] {
  const documents = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  if (!Array.isArray(documents)) return [];
  const problems = documents.flatMap((document) => [...document.errors, ...document.warnings]);
  if (problems.length > 0) {
    throw new Error(`${source} is not clean YAML:\n${problems.map((problem) => problem.message).join('\n')}`);
  }
  return documents.map((document) => document.toJS() as unknown);
}

// The parts of Kubernetes objects the checks read. Everything is optional:
// the checks assert what must be there.

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath?: string } };
}

export interface ExecProbe {
  exec?: { command?: string[] };
  httpGet?: { path?: string; port?: number | string };
}

export interface Container {
  name: string;
  image?: string;
  args?: string[];
  env?: EnvVar[];
  ports?: Array<{ name?: string; containerPort: number }>;
  restartPolicy?: string;
  startupProbe?: ExecProbe;
  readinessProbe?: ExecProbe;
  livenessProbe?: ExecProbe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: SecurityContext;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}

export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  fsGroup?: number;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { drop?: string[] };
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  volumes?: Array<{ name: string; emptyDir?: object; configMap?: { name: string }; persistentVolumeClaim?: object }>;
  securityContext?: SecurityContext;
  terminationGracePeriodSeconds?: number;
  enableServiceLinks?: boolean;
}

export interface KubernetesObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec?: {
    replicas?: number;
    serviceName?: string;
    selector?: { matchLabels?: Record<string, string> } & Record<string, string>;
    template?: { metadata?: { labels?: Record<string, string> }; spec?: PodSpec };
    volumeClaimTemplates?: Array<{ metadata?: { name?: string } }>;
    clusterIP?: string;
    ports?: Array<{ name?: string; port: number; targetPort?: number | string; protocol?: string }>;
    podSelector?: { matchLabels?: Record<string, string> };
    policyTypes?: string[];
    ingress?: NetworkPolicyIngressRule[];
  };
}

export interface NetworkPolicyPeer {
  podSelector?: { matchLabels?: Record<string, string> };
  namespaceSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: { cidr: string };
}

export interface NetworkPolicyIngressRule {
  from?: NetworkPolicyPeer[];
  ports?: Array<{ port?: number | string; protocol?: string }>;
}

/** The documents of a manifest under deploy/kubernetes/. */
export function loadManifest(fileName: string): KubernetesObject[] {
  const path = join('kubernetes', fileName);
  return parseYamlDocuments(readDeployFile(path), path) as KubernetesObject[];
}

/** The one object of that kind and name. */
export function findObject(objects: readonly KubernetesObject[], kind: string, name: string): KubernetesObject {
  const matches = objects.filter((object) => object.kind === kind && object.metadata?.name === name);
  if (matches.length !== 1) throw new Error(`expected one ${kind} named ${name}, found ${matches.length}`);
  return matches[0];
}

/** The objects of one kind. */
export function objectsOfKind(objects: readonly KubernetesObject[], kind: string): KubernetesObject[] {
  return objects.filter((object) => object.kind === kind);
}

/** The pod template's spec of a workload. */
export function podSpecOf(workload: KubernetesObject): PodSpec {
  const spec = workload.spec?.template?.spec;
  if (spec === undefined) throw new Error(`${String(workload.kind)} ${String(workload.metadata?.name)} has no pod template`);
  return spec;
}

/** Long-running containers and init containers of a pod. */
export function allContainers(pod: PodSpec): Container[] {
  return [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
}

/** Containers that run the otel-dp image. */
export function otelDpContainers(pod: PodSpec): Container[] {
  return allContainers(pod).filter((container) => /(^|\/)otel-dp(:|@|$)/.test(container.image ?? ''));
}

/**
 * A container's environment as Kubernetes hands it over: `$(NAME)` refers to a
 * variable defined earlier in the list, downward-API fields take the values
 * given in `fields` (by fieldPath).
 */
export function containerEnv(container: Container, fields: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    const fieldPath = variable.valueFrom?.fieldRef?.fieldPath;
    if (fieldPath !== undefined) {
      const value = fields[fieldPath];
      if (value === undefined) throw new Error(`no sample value for the downward-API field ${fieldPath}`);
      env[variable.name] = value;
    } else {
      env[variable.name] = (variable.value ?? '').replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
    }
  }
  return env;
}

/** `host:port` (also `:port` and `[v6]:port`) split as otel-dp reads it. */
export function splitHostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  if (colon < 0) throw new Error(`"${address}" has no port`);
  return { host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(colon + 1)) };
}
