import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Fresh directories under `base` (default the OS temp dir), removed by `cleanup`. */
export class TempDirs {
  private readonly made: string[] = [];
  private readonly base: string;

  constructor(base: string = tmpdir()) {
    this.base = base;
  }

  async make(): Promise<string> {
    const dir = await mkdtemp(join(this.base, 'otel-dp-ledger-'));
    this.made.push(dir);
    return dir;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

/** A Laplace window's spend. */
export function pure(epsilon: number, delta = 0): { pureEpsilon: number; delta: number } {
  return { pureEpsilon: epsilon, delta };
}

/** A Gaussian window's spend. */
export function gaussian(rho: number, delta = 0): { rho: number; delta: number } {
  return { rho, delta };
}
