import type { SenderTarget } from './load-clients.js';
import type { LoadResult } from './load-loops.js';

/** A warm-up, then the closed loop that finds the saturating rate. */
export interface ClosedLoopCommand {
  type: 'closed';
  target: SenderTarget;
  warmupMillis: number;
  durationMillis: number;
}

/** Requests on a fixed schedule, for latency below saturation. */
export interface OpenLoopCommand {
  type: 'open';
  target: SenderTarget;
  ratePerSecond: number;
  durationMillis: number;
  /** Most requests pending at once. */
  maxInFlight: number;
}

export type LoadCommand = ClosedLoopCommand | OpenLoopCommand;

export interface LoadReply {
  type: 'result';
  result: LoadResult;
  /** Mean request size on the wire, in bytes. */
  meanWireBytes: number;
  pointsPerRequest: number;
}

export interface FailureReply {
  type: 'failed';
  message: string;
}

/** Upper bound on the closed loop's request rate, so its request count is bounded as well as its time. */
export const MAX_CLOSED_LOOP_RATE = 50_000;
