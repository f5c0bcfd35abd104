import assert from 'node:assert/strict';
import { parseRunConfig } from '../../src/command-line.js';
import { JsonLinesLogger } from '../../src/logger.js';
import { runSidecar } from '../../src/run.js';

/** `runSidecar` started in this process, up to its ready line. */
export interface StartedRun {
  exit: Promise<number>;
  stop: AbortController;
  ready: Record<string, unknown>;
  logs: () => Array<Record<string, unknown>>;
  stdout: () => string;
}

/**
 * Runs `otel-dp run <args>` in this process (logs at debug, captured; the
 * admin endpoint on a port the OS picks unless `args` set one) and resolves
 * once it is ready.
 */
export async function startRun(args: string[], env: Record<string, string> = {}): Promise<StartedRun> {
  const lines: string[] = [];
  let stdout = '';
  let onReady: (record: Record<string, unknown>) => void = () => {};
  const ready = new Promise<Record<string, unknown>>((resolve) => (onReady = resolve));
  const logger = new JsonLinesLogger({
    level: 'debug',
    write: (line) => {
      lines.push(line);
      const record = JSON.parse(line) as Record<string, unknown>;
      if (record.msg === 'ready') onReady(record);
    },
  });
  const stop = new AbortController();
  const admin = args.includes('--admin-listen') ? [] : ['--admin-listen', '127.0.0.1:0'];
  const exit = runSidecar(parseRunConfig([...admin, ...args], env), { logger, stop: stop.signal, writeStdout: (text) => void (stdout += text) });
  const first = await Promise.race([ready, exit.then((code) => ({ exited: code }))]);
  assert.ok(!('exited' in first), `runSidecar ended before ready: ${lines.join('')}`);
  return { exit, stop, ready: first, logs: () => lines.map((line) => JSON.parse(line)), stdout: () => stdout };
}
