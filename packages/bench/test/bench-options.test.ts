import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CodedError } from '@otel-dp/otlp';
import { BenchUsageError, parseBenchOptions } from '../src/bench-options.js';

describe('parseBenchOptions', () => {
  it('runs everything five times by default, once and briefly with --quick', () => {
    const full = parseBenchOptions([], '/out');
    assert.ok(full !== 'help');
    assert.equal(full.runs, 5);
    assert.deepEqual(full.sections, ['micro', 'pipeline', 'state', 'scaling']);
    assert.deepEqual(full.transports, ['http-protobuf', 'http-json', 'grpc', 'http-protobuf-spans']);
    assert.equal(full.outDir, '/out');
    assert.equal(full.closedMillis, 5000);
    assert.equal(full.profile, false);
    assert.equal(full.gzip, false);
    assert.equal(full.sidecarCheckout, undefined);
    const quick = parseBenchOptions(['--quick'], '/out');
    assert.ok(quick !== 'help');
    assert.equal(quick.runs, 1);
    assert.equal(quick.closedMillis, 1000);
  });

  it('narrows sections and transports, keeping their canonical order', () => {
    const options = parseBenchOptions(['--sections', 'state,pipeline', '--transports', 'grpc,http-protobuf', '--runs', '3', '--profile', '--gzip'], '/out');
    assert.ok(options !== 'help');
    assert.deepEqual(options.sections, ['pipeline', 'state']);
    assert.deepEqual(options.transports, ['http-protobuf', 'grpc']);
    assert.equal(options.runs, 3);
    assert.equal(options.profile, true);
    assert.equal(options.gzip, true);
  });

  it('names what is wrong', () => {
    assert.equal(parseBenchOptions(['--help'], '/out'), 'help');
    assert.throws(() => parseBenchOptions(['--runs', '0'], '/out'), (e: unknown) => e instanceof BenchUsageError && /--runs is 0/.test(e.message));
    assert.throws(() => parseBenchOptions(['--sections', 'speed'], '/out'), /--sections names "speed"/);
    assert.throws(() => parseBenchOptions(['--transports', ','], '/out'), /--transports is empty/);
    assert.throws(() => parseBenchOptions(['--fast'], '/out'), BenchUsageError);
    assert.throws(() => parseBenchOptions(['--fast'], '/out'), (e: unknown) => e instanceof CodedError && e.code === 'BENCH_USAGE' && e.name === 'BenchUsageError');
  });

  it('measures the otel-dp of another checkout only when it is built', () => {
    const root = fileURLToPath(new URL('../../../..', import.meta.url));
    const options = parseBenchOptions(['--sidecar', root], '/out');
    assert.ok(options !== 'help');
    assert.equal(options.sidecarCheckout, resolve(root));
    const empty = mkdtempSync(join(tmpdir(), 'otel-dp-bench-'));
    try {
      assert.throws(() => parseBenchOptions(['--sidecar', empty], '/out'), (e: unknown) => e instanceof BenchUsageError && /has no built otel-dp .*run pnpm install and pnpm build there first$/.test(e.message));
    } finally {
      rmSync(empty, { recursive: true });
    }
  });
});
