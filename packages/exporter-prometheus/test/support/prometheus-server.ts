import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What to tell whoever runs the tests on a machine without Prometheus. */
export const INSTALL_HINT = 'prometheus is not installed: install it with `apt-get update && apt-get install -y --no-install-recommends prometheus` (CI does this in .ci/run)';

/** Longest wait for /-/ready, in milliseconds. */
const READY_TIMEOUT_MILLIS = 30_000;

/** One sample of an instant-vector query result. */
export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** True when a `prometheus` binary answers `--version`. */
export function prometheusInstalled(): boolean {
  return spawnSync('prometheus', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * A real Prometheus, as a child process on 127.0.0.1 with the remote-write
 * receiver on and a throwaway TSDB; nothing is scraped.
 */
export class PrometheusServer {
  private child: ChildProcess | undefined;
  private dir: string | undefined;
  private output = '';
  baseUrl = '';

  async start(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'otel-dp-prometheus-'));
    const config = join(this.dir, 'prometheus.yml');
    await writeFile(config, 'global:\n  scrape_interval: 1m\n');
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.child = spawn(
      'prometheus',
      [`--config.file=${config}`, `--storage.tsdb.path=${join(this.dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-remote-write-receiver', '--log.level=warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-4000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    await this.waitReady();
  }

  /** Runs an instant query at `timeSeconds`; returns the vector. */
  async query(promql: string, timeSeconds: number): Promise<VectorSample[]> {
    const response = await fetch(`${this.baseUrl}/api/v1/query?query=${encodeURIComponent(promql)}&time=${timeSeconds}`);
    const body = (await response.json()) as { status: string; data: { resultType: string; result: VectorSample[] }; error?: string };
    if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error}`);
    return body.data.result;
  }

  /** Stops Prometheus (SIGTERM, then SIGKILL after 5 s) and removes its files. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (this.dir !== undefined) await rm(this.dir, { recursive: true, force: true });
  }

  private async waitReady(): Promise<void> {
    const deadline = performance.now() + READY_TIMEOUT_MILLIS;
    while (performance.now() < deadline) {
      if (this.child?.exitCode !== null) throw new Error(`prometheus exited with ${this.child?.exitCode}: ${this.output}`);
      try {
        const response = await fetch(`${this.baseUrl}/-/ready`);
        if (response.status === 200) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`prometheus was not ready within ${READY_TIMEOUT_MILLIS} ms: ${this.output}`);
  }
}

/** A port the OS just handed out on 127.0.0.1 (Prometheus cannot be told to pick one itself). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}
