import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

let pinning: boolean | undefined;

/** Whether `taskset` can pin processes to a core here (util-linux on Linux); asked once. */
export function canPin(): boolean {
  pinning ??= process.platform === 'linux' && spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0;
  return pinning;
}

/**
 * Spawns `node <args>` bound to one core when pinning is available, so the
 * system under test and the load generator each own one core of the machine
 * and never trade places. `taskset` replaces itself with node, so the child's
 * pid is node's.
 */
export function spawnNode(nodeArgs: readonly string[], cpu: number | undefined, stdio: StdioOptions): ChildProcess {
  if (cpu !== undefined && canPin()) return spawn('taskset', ['-c', String(cpu), process.execPath, ...nodeArgs], { stdio });
  return spawn(process.execPath, nodeArgs, { stdio });
}

/** Pins this process to one core (the sink and the orchestration then stay off the measured core). */
export function pinSelf(cpu: number): void {
  if (canPin()) spawnSync('taskset', ['-p', '-c', String(cpu), String(process.pid)], { stdio: 'ignore' });
}

/** A listening OTLP server in its own process: the sidecar or a baseline. */
export interface ServiceProcess {
  readonly pid: number;
  readonly httpPort: number;
  readonly grpcPort: number;
  /** CPU time (user + system) the process has used so far, in ms. */
  cpuMillis(): number;
  /** The peak resident set size so far (VmHWM), in bytes. */
  peakRssBytes(): number;
  /** Starts the peak over from the present RSS; false where Linux does not allow it. */
  resetPeakRss(): boolean;
  /** SIGTERM, then SIGKILL if the process is still there after `graceMillis`. Resolves with the exit code. */
  stop(graceMillis?: number): Promise<number | null>;
}

const READY_TIMEOUT_MILLIS = 30_000;

/**
 * Starts a process that logs JSON lines on stderr and announces itself with
 * `{"msg":"ready","http":"HOST:PORT","grpc":"HOST:PORT"}` (the sidecar's
 * start-up line), and resolves once that line is seen.
 */
export async function startService(name: string, nodeArgs: readonly string[], cpu: number | undefined): Promise<ServiceProcess> {
  const child = spawnNode(nodeArgs, cpu, ['ignore', 'ignore', 'pipe']);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lastLines: string[] = [];
  const ready = await new Promise<{ http: number; grpc: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not log "ready" within ${READY_TIMEOUT_MILLIS} ms`)), READY_TIMEOUT_MILLIS);
    const lines = createInterface({ input: child.stderr! });
    lines.on('line', (line) => {
      lastLines.push(line);
      if (lastLines.length > 20) lastLines.shift();
      const parsed = parseJsonLine(line);
      if (parsed?.msg !== 'ready') return;
      clearTimeout(timer);
      resolve({ http: portOf(parsed.http), grpc: portOf(parsed.grpc) });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${String(code)} before it was ready:\n${lastLines.join('\n')}`));
    });
  });
  const pid = child.pid!;
  return {
    pid,
    httpPort: ready.http,
    grpcPort: ready.grpc,
    cpuMillis: () => processCpuMillis(pid),
    peakRssBytes: () => peakRssBytes(pid),
    resetPeakRss: () => resetPeakRss(pid),
    stop: (graceMillis = 15_000) => stopChild(child, exited, graceMillis),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>, graceMillis: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killLater = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, graceMillis);
  });
  await Promise.race([exited, killLater]);
  clearTimeout(timer);
  return exited;
}

function parseJsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function portOf(address: unknown): number {
  const text = String(address);
  const port = Number(text.slice(text.lastIndexOf(':') + 1));
  if (!Number.isInteger(port) || port <= 0) throw new Error(`ready line has no port in "${text}"`);
  return port;
}

/** VmHWM of /proc/<pid>/status, in bytes; NaN where /proc is unavailable. */
export function peakRssBytes(pid: number): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? NaN : Number(match[1]) * 1024;
  } catch {
    return NaN;
  }
}

/** Writes 5 to /proc/<pid>/clear_refs, which sets VmHWM back to the present RSS (Linux 4.0 and later). */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux configuration Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime of /proc/<pid>/stat, in ms; NaN where /proc is unavailable. */
export function processCpuMillis(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** The machine's CPU time from the first line of /proc/stat, in clock ticks: all of it, and the part the hypervisor gave to others (steal). */
export interface MachineCpuTicks {
  total: number;
  steal: number;
}

/** NaN fields where /proc/stat is unavailable. */
export function machineCpuTicks(): MachineCpuTicks {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
    if (ticks.length < 8 || ticks.some((t) => !Number.isFinite(t))) return { total: NaN, steal: NaN };
    return { total: ticks.reduce((sum, t) => sum + t, 0), steal: ticks[7] };
  } catch {
    return { total: NaN, steal: NaN };
  }
}

/** The share of the machine's CPU time taken by the hypervisor between two readings. */
export function stealShare(before: MachineCpuTicks, after: MachineCpuTicks): number {
  const total = after.total - before.total;
  return total > 0 ? (after.steal - before.steal) / total : NaN;
}
