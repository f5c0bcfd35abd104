import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { waitUntil, WaitTimeoutError } from './wait.js';

/** The repository root, from test/dist/support/ where this module runs. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const OTEL_DP_BIN = fileURLToPath(new URL('../../../packages/sidecar/bin/otel-dp.js', import.meta.url));

/** Listening on ports the OS picks, so concurrent sidecars never collide. */
const LOOPBACK_ANY_PORT = '127.0.0.1:0';
const DEFAULT_READY_TIMEOUT_MILLIS = 15_000;
/** The CLI promises to exit within 10 s of SIGTERM; allow some slack for a loaded machine. */
const STOP_TIMEOUT_MILLIS = 15_000;

export interface SidecarStartOptions {
  /** Extra environment; the test's own OTEL_* variables are never passed on. */
  env?: Record<string, string>;
  /** How long to wait for the "ready" log line. Default 15 000 ms. */
  readyTimeoutMillis?: number;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Sidecars not yet stopped, killed if the test process exits early. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * `otel-dp run` as a child process. Listen flags default to 127.0.0.1:0 for
 * both receivers and the admin endpoint; {@link SidecarProcess.start}
 * resolves once the JSON log line with msg "ready" has appeared and reports
 * the ports it names.
 */
export class SidecarProcess {
  private stdoutText = '';
  private stderrText = '';
  private readonly exited: Promise<ExitStatus>;
  private exitStatus: ExitStatus | undefined;
  private readonly ports = { http: 0, grpc: 0, admin: 0 };

  private constructor(
    private readonly child: ChildProcess,
    readonly args: readonly string[],
  ) {
    child.stdout?.setEncoding('utf8').on('data', (text: string) => (this.stdoutText += text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (this.stderrText += text));
    this.exited = once(child, 'close').then(([code, signal]) => {
      running.delete(child);
      this.exitStatus = { code: code as number | null, signal: signal as NodeJS.Signals | null };
      return this.exitStatus;
    });
  }

  static async start(flags: readonly string[], options: SidecarStartOptions = {}): Promise<SidecarProcess> {
    const listen: string[] = [];
    if (!flags.includes('--http-listen')) listen.push('--http-listen', LOOPBACK_ANY_PORT);
    if (!flags.includes('--grpc-listen')) listen.push('--grpc-listen', LOOPBACK_ANY_PORT);
    if (!flags.includes('--admin-listen')) listen.push('--admin-listen', LOOPBACK_ANY_PORT);
    const args = ['run', ...listen, ...flags];
    const child = spawn(process.execPath, [OTEL_DP_BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...environmentWithoutOtel(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    const sidecar = new SidecarProcess(child, args);
    try {
      await sidecar.waitForReady(options.readyTimeoutMillis ?? DEFAULT_READY_TIMEOUT_MILLIS);
    } catch (error) {
      sidecar.kill();
      throw error;
    }
    return sidecar;
  }

  /** The bound OTLP/HTTP port from the ready line; 0 when that listener is off. */
  get httpPort(): number {
    return this.ports.http;
  }

  /** The bound OTLP/gRPC port from the ready line; 0 when that listener is off. */
  get grpcPort(): number {
    return this.ports.grpc;
  }

  /** The bound admin port (`--admin-listen`) from the ready line; 0 when the admin endpoint is off. */
  get adminPort(): number {
    return this.ports.admin;
  }

  /** The admin endpoint's base URL, e.g. `http://127.0.0.1:PORT` (+ `/healthz`, `/metrics`). */
  get adminUrl(): string {
    return `http://127.0.0.1:${this.adminPort}`;
  }

  /** The operating-system process id, for /proc. */
  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** The exit status once the process has ended; undefined while it runs. */
  get exit(): ExitStatus | undefined {
    return this.exitStatus;
  }

  get stdout(): string {
    return this.stdoutText;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** The stderr JSON log lines parsed; lines that are not JSON are left out. */
  logLines(): Record<string, unknown>[] {
    const lines: Record<string, unknown>[] = [];
    for (const line of this.stderrText.split('\n')) {
      const parsed = parseJsonObject(line);
      if (parsed !== undefined) lines.push(parsed);
    }
    return lines;
  }

  /** The sidecar's HTTP receiver URL for OTLP metrics. */
  get httpMetricsUrl(): string {
    return `http://127.0.0.1:${this.httpPort}/v1/metrics`;
  }

  /** The sidecar's HTTP receiver URL for OTLP traces. */
  get httpTracesUrl(): string {
    return `http://127.0.0.1:${this.httpPort}/v1/traces`;
  }

  get grpcUrl(): string {
    return `http://127.0.0.1:${this.grpcPort}`;
  }

  /** SIGTERM, then waits (bounded) for the exit; the caller asserts the status. */
  async stop(): Promise<ExitStatus> {
    if (this.exitStatus !== undefined) return this.exitStatus;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill();
        reject(new WaitTimeoutError(`otel-dp to exit after SIGTERM\n${this.describe()}`, STOP_TIMEOUT_MILLIS));
      }, STOP_TIMEOUT_MILLIS);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Bounded wait until a stderr JSON log line satisfies `predicate`; returns it. */
  async waitForLog(predicate: (line: Record<string, unknown>) => boolean, what: string, timeoutMillis = 10_000): Promise<Record<string, unknown>> {
    let found: Record<string, unknown> | undefined;
    const seen = (): boolean => {
      found = this.logLines().find(predicate);
      return found !== undefined || this.exitStatus !== undefined;
    };
    try {
      await waitUntil(seen, { what, timeoutMillis });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${this.describe()}`, { cause: error });
    }
    if (found === undefined) throw new Error(`otel-dp exited before logging ${what}\n${this.describe()}`);
    return found;
  }

  /** SIGKILL (`kill -9`), then waits (bounded) until the process is gone. */
  async killAndWait(): Promise<ExitStatus> {
    this.kill();
    await waitUntil(() => this.exitStatus !== undefined, { what: 'otel-dp to die after SIGKILL', timeoutMillis: STOP_TIMEOUT_MILLIS });
    return this.exitStatus!;
  }

  /** Ends the process at once; safe to call at any time, for test clean-up. */
  kill(): void {
    if (this.exitStatus === undefined) this.child.kill('SIGKILL');
  }

  /** The command line and the tail of both streams, for assertion messages. */
  describe(): string {
    const tail = (text: string) => text.slice(-4000);
    return `otel-dp ${this.args.join(' ')}\n--- stderr ---\n${tail(this.stderrText)}\n--- stdout ---\n${tail(this.stdoutText)}`;
  }

  private async waitForReady(timeoutMillis: number): Promise<void> {
    const deadline = Date.now() + timeoutMillis;
    for (;;) {
      const ready = this.logLines().find((line) => line.msg === 'ready');
      if (ready !== undefined) {
        this.ports.http = portOf(ready.http);
        this.ports.grpc = portOf(ready.grpc);
        this.ports.admin = portOf(ready.admin);
        return;
      }
      if (this.exitStatus !== undefined) {
        throw new Error(`otel-dp exited (code ${this.exitStatus.code}, signal ${this.exitStatus.signal}) before ready\n${this.describe()}`);
      }
      if (Date.now() >= deadline) throw new WaitTimeoutError(`otel-dp to log "ready"\n${this.describe()}`, timeoutMillis);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** The port of a "host:port" field of the ready line; 0 when the listener is off. */
function portOf(field: unknown): number {
  if (typeof field !== 'string') return 0;
  const port = Number(field.slice(field.lastIndexOf(':') + 1));
  return Number.isInteger(port) ? port : 0;
}

function parseJsonObject(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function environmentWithoutOtel(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('OTEL_')) env[key] = value;
  }
  return env;
}
