import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnNode } from './child-processes.js';
import type { FailureReply, LoadCommand, LoadReply } from './load-protocol.js';

const SCRIPT = fileURLToPath(new URL('./load-generator.js', import.meta.url));
const START_TIMEOUT_MILLIS = 30_000;

/** The orchestrator's handle on the load generator process. */
export class LoadGeneratorProcess {
  private constructor(private readonly child: ChildProcess) {}

  /** Starts the generator on `cpu` and waits until it has built its requests. */
  static async start(cpu: number | undefined): Promise<LoadGeneratorProcess> {
    const child = spawnNode([SCRIPT], cpu, ['ignore', 'inherit', 'inherit', 'ipc']);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the load generator did not start within ${START_TIMEOUT_MILLIS} ms`)), START_TIMEOUT_MILLIS);
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the load generator exited with code ${String(code)} at start`));
      });
    });
    return new LoadGeneratorProcess(child);
  }

  /** Runs one stretch of load; rejects if the generator fails or exits, or after `timeoutMillis`. */
  run(command: LoadCommand, timeoutMillis: number): Promise<LoadReply> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => finish(new Error(`the load generator exited with code ${String(code)}`));
      const onMessage = (reply: LoadReply | FailureReply) =>
        reply.type === 'result' ? finish(undefined, reply) : finish(new Error(`the load generator failed: ${reply.message}`));
      const timer = setTimeout(() => finish(new Error(`a measurement took longer than ${timeoutMillis} ms`)), timeoutMillis);
      const finish = (error: Error | undefined, reply?: LoadReply) => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        if (error === undefined) resolve(reply!);
        else reject(error);
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send(command);
    });
  }

  /** Closes the channel (the generator exits on it) and waits for the exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
