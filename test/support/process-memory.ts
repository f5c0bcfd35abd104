import { readFileSync } from 'node:fs';

/** Resident set size of process `pid` in bytes, from the `VmRSS` line of /proc/<pid>/status (Linux). */
export function residentSetBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (match === null) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(match[1]) * 1024;
}

/**
 * Samples a process's resident set size every `intervalMillis` until
 * stopped, keeping the largest value seen; a timer, so it runs between the
 * awaits of whatever load the test drives meanwhile.
 */
export class ResidentSetSampler {
  peakBytes = 0;
  samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMillis = 25,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMillis);
  }

  /** Takes a last sample and stops; returns the peak in bytes. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peakBytes;
  }

  private sample(): void {
    try {
      this.peakBytes = Math.max(this.peakBytes, residentSetBytes(this.pid));
      this.samples++;
    } catch {
      // The process has exited; the test sees that through its exit status.
    }
  }
}

export const MIB = 1024 * 1024;
