import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The memory the Kubernetes manifest gives the otel-dp container. */
export interface DeployedMemory {
  /** The manifest the figures come from, relative to the repository. */
  manifest: string;
  /** `resources.limits.memory`, in bytes. */
  limitBytes: number;
  /** Node flags of the container's NODE_OPTIONS (the heap size), passed on to the sidecar the bench runs. */
  nodeOptions: string[];
}

export const SIDECAR_MANIFEST = 'deploy/kubernetes/sidecar.yaml';
/** The report flags a load whose peak RSS comes within this share of the limit. */
export const MEMORY_HEADROOM = 0.2;

const QUANTITY_UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };

/** A Kubernetes memory quantity (`576Mi`, `1G`, `600000000`) in bytes; NaN for a form this does not read. */
export function parseMemoryQuantity(text: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(text.trim());
  if (match === null) return NaN;
  return Number(match[1]) * QUANTITY_UNITS[match[2] ?? ''];
}

/**
 * The otel-dp container's memory limit and NODE_OPTIONS in the manifest's
 * text: read from the container named `otel-dp` up to the next container, so
 * the application's own limits in the same pod are not taken for it.
 *
 * @throws {Error} when the manifest has no otel-dp container or no memory limit for it.
 */
export function deployedMemoryFrom(manifestText: string, manifest: string): DeployedMemory {
  const lines = manifestText.split('\n');
  const start = lines.findIndex((line) => /^\s*- name: otel-dp\s*$/.test(line));
  if (start === -1) throw new Error(`${manifest} has no container named otel-dp`);
  const indent = lines[start].indexOf('-');
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    const at = line.search(/\S/);
    if (at !== -1 && at <= indent && !line.trimStart().startsWith('#')) {
      end = i;
      break;
    }
  }
  const container = lines.slice(start, end);
  let limitBytes = NaN;
  const limitsAt = container.findIndex((line) => /^\s*limits:\s*$/.test(line));
  if (limitsAt !== -1) {
    for (const line of container.slice(limitsAt + 1)) {
      const memory = /^\s*memory:\s*"?([^"\s]+)"?\s*$/.exec(line);
      if (memory !== null) {
        limitBytes = parseMemoryQuantity(memory[1]);
        break;
      }
      if (/^\s*[a-z]+:\s*$/i.test(line)) break;
    }
  }
  if (!Number.isFinite(limitBytes)) throw new Error(`${manifest} gives the otel-dp container no memory limit the bench can read`);
  const nodeOptionsAt = container.findIndex((line) => /^\s*- name: NODE_OPTIONS\s*$/.test(line));
  const value = nodeOptionsAt === -1 ? undefined : /^\s*value:\s*"?([^"]*)"?\s*$/.exec(container[nodeOptionsAt + 1] ?? '');
  const nodeOptions = value === undefined || value === null ? [] : value[1].split(/\s+/).filter((flag) => flag !== '');
  return { manifest, limitBytes, nodeOptions };
}

/** {@link deployedMemoryFrom} on the repository's sidecar manifest. */
export function readDeployedMemory(): DeployedMemory {
  const path = fileURLToPath(new URL(`../../../../${SIDECAR_MANIFEST}`, import.meta.url));
  return deployedMemoryFrom(readFileSync(path, 'utf8'), SIDECAR_MANIFEST);
}
