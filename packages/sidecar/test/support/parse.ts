import assert from 'node:assert/strict';
import { parseRunConfig } from '../../src/command-line.js';
import type { RunConfig } from '../../src/config.js';
import type { LocalHost } from '../../src/self-export.js';
import { UsageError } from '../../src/usage-error.js';

/** This machine, as the self-export check sees it in tests. */
export const LOCAL: LocalHost = { hostname: 'sidecar-host', addresses: ['127.0.0.1', '10.1.2.3'] };

/** parseRunConfig on this test machine. */
export function parse(args: string[], env: Record<string, string> = {}): RunConfig {
  return parseRunConfig(args, env, LOCAL);
}

/** The kinds of the configured exporters, in order. */
export function exporterKinds(config: RunConfig): string[] {
  return config.delivery.exporters.map((exporter) => exporter.kind);
}

/** The OTLP exporter configuration, failing when no otlp exporter is configured. */
export function otlpConfig(config: RunConfig) {
  const exporter = config.delivery.exporters.find((candidate) => candidate.kind === 'otlp');
  assert.ok(exporter !== undefined && exporter.kind === 'otlp', `no otlp exporter in ${exporterKinds(config).join(', ')}`);
  return exporter.config;
}

/** The Prometheus remote-write exporter configuration, failing when it is not configured. */
export function remoteWriteConfig(config: RunConfig) {
  const exporter = config.delivery.exporters.find((candidate) => candidate.kind === 'prometheus-remote-write');
  assert.ok(exporter !== undefined && exporter.kind === 'prometheus-remote-write', `no remote-write exporter in ${exporterKinds(config).join(', ')}`);
  return exporter.config;
}

/** Asserts a UsageError whose message contains every one of `parts`. */
export function assertUsageError(run: () => unknown, ...parts: string[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
    for (const part of parts) assert.ok(error.message.includes(part), `"${error.message}" should contain "${part}"`);
    return true;
  });
}
