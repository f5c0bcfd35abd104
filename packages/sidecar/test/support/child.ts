import { readFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/otel-dp.js', import.meta.url));

/** `otel-dp` as a child process, with its output captured. */
export interface Child {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Exit code and how long after the call it came, killing the child at the limit. */
  exit: (limitMillis: number) => Promise<{ code: number | null; signal: string | null; afterMillis: number }>;
  /** Resolves with the first JSON log line whose msg is `msg`. */
  logLine: (msg: string, limitMillis: number) => Promise<Record<string, unknown>>;
}

/**
 * Starts `otel-dp <args>`. Only the variables a Node process needs are
 * passed, and `env`: a developer's OTEL_* settings must not leak in.
 */
export function start(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    process: child,
    stdout: () => stdout,
    stderr: () => stderr,
    async exit(limitMillis) {
      const from = Date.now();
      const timer = setTimeout(() => child.kill('SIGKILL'), limitMillis);
      const result = await exited;
      clearTimeout(timer);
      return { ...result, afterMillis: Date.now() - from };
    },
    logLine(msg, limitMillis) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.stderr.off('data', check);
          reject(new Error(`no "${msg}" line within ${limitMillis}ms; stderr:\n${stderr}`));
        }, limitMillis);
        const check = (): void => {
          for (const line of stderr.split('\n')) {
            if (!line.startsWith('{')) continue;
            const record = JSON.parse(line) as Record<string, unknown>;
            if (record.msg === msg) {
              clearTimeout(timer);
              child.stderr.off('data', check);
              resolve(record);
              return;
            }
          }
        };
        child.stderr.on('data', check);
        check();
      });
    },
  };
}

/** Polls `condition` every 20 ms, failing with `what` after `limitMillis`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, limitMillis: number, what: string): Promise<void> {
  const until = Date.now() + limitMillis;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`${what}: not within ${limitMillis}ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Connections a server on 127.0.0.1:`port` holds open now, from the kernel's
 * table (Linux /proc/net/tcp): how a test sees that a client in another
 * process has connected, without a hook in that process.
 */
export function acceptedConnections(port: number): number {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const ESTABLISHED = '01';
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1] === local && fields[3] === ESTABLISHED).length;
}
