import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** What to tell whoever runs the tests where Prometheus is missing. */
export const PROMETHEUS_INSTALL_HINT =
  'the `prometheus` binary is not on the PATH: install it with `apt-get update && apt-get install -y --no-install-recommends prometheus` (CI does)';

const READY_TIMEOUT_MILLIS = 30_000;
const STOP_TIMEOUT_MILLIS = 5_000;
/** Prometheus cannot pick its own port; a port just freed may be taken again before it binds. */
const START_ATTEMPTS = 3;

/** One series of an instant-vector answer. */
export interface InstantSample {
  metric: Record<string, string>;
  value: number;
}

/** True when `prometheus --version` runs. */
export function prometheusInstalled(): boolean {
  return spawnSync('prometheus', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * A real Prometheus server as a child process: 127.0.0.1 only, remote-write
 * receiver on, a throwaway TSDB in a temporary directory, nothing scraped.
 */
export class PrometheusProcess {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly baseUrl: string,
  ) {
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** Starts Prometheus and waits (bounded) for `/-/ready`; fails with an install hint when it is missing. */
  static async start(): Promise<PrometheusProcess> {
    if (!prometheusInstalled()) throw new Error(PROMETHEUS_INSTALL_HINT);
    let lastError: unknown;
    for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      const dir = await mkdtemp(join(tmpdir(), 'otel-dp-e2e-prometheus-'));
      const config = join(dir, 'prometheus.yml');
      await writeFile(config, 'global:\n  scrape_interval: 1m\n');
      const port = await freeLoopbackPort();
      const child = spawn(
        'prometheus',
        [
          `--config.file=${config}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--web.enable-remote-write-receiver',
          '--log.level=warn',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const server = new PrometheusProcess(child, dir, `http://127.0.0.1:${port}`);
      try {
        await server.waitReady();
        return server;
      } catch (error) {
        lastError = error;
        await server.stop();
      }
    }
    throw lastError;
  }

  /** The remote-write receiver's URL. */
  get remoteWriteUrl(): string {
    return `${this.baseUrl}/api/v1/write`;
  }

  /**
   * `GET /api/v1/query`: an instant query evaluated at `atMillis` (Unix
   * milliseconds); fails unless the status is success.
   */
  async query(promql: string, atMillis: number): Promise<InstantSample[]> {
    const data = await this.api<{ resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(
      `/api/v1/query?query=${encodeURIComponent(promql)}&time=${atMillis / 1000}`,
    );
    if (data.resultType !== 'vector') throw new Error(`query ${promql} gave a ${data.resultType}, not a vector`);
    return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  /** `GET /api/v1/series`: the label sets of every series `selector` matches. */
  async series(selector: string): Promise<Record<string, string>[]> {
    return this.api<Record<string, string>[]>(`/api/v1/series?match[]=${encodeURIComponent(selector)}`);
  }

  private async api<T>(pathAndQuery: string): Promise<T> {
    const res = await fetch(`${this.baseUrl}${pathAndQuery}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { status: string; error?: string; data?: T };
    if (body.status !== 'success' || body.data === undefined) throw new Error(`${pathAndQuery} failed (HTTP ${res.status}): ${body.error ?? 'no data'}`);
    return body.data;
  }

  /** The tail of Prometheus' own output, for assertion messages. */
  describe(): string {
    return `prometheus at ${this.baseUrl}\n${this.output}`;
  }

  /** SIGTERM (SIGKILL after 5 s), then removes the TSDB. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, 'exit');
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MILLIS);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  private async waitReady(): Promise<void> {
    const deadline = performance.now() + READY_TIMEOUT_MILLIS;
    while (performance.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`prometheus exited with ${this.child.exitCode}\n${this.output}`);
      try {
        const res = await fetch(`${this.baseUrl}/-/ready`, { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        // Not listening yet.
      }
      await sleep(100);
    }
    throw new Error(`prometheus was not ready within ${READY_TIMEOUT_MILLIS} ms\n${this.output}`);
  }
}

/** A port the OS just handed out on 127.0.0.1 and that is free again. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
