import type { DropReason } from './attribute-policy/index.js';
import type { SeriesDescriptor } from './series.js';

/**
 * A point's way into the window: its series, what the attribute policy
 * removed, and the numbers intake last found for it, so that a point seen
 * again skips the lookups by token and series key. The directory gives each
 * frozen attribute list a route of its own (the decoder shares one frozen
 * list among all points with the same encoded attributes, across requests),
 * so in steady traffic every remembered number is the one needed.
 *
 * Each remembered number is checked against what it was found for before
 * it is used: the window's id, the token, the cumulative tracker's epoch.
 * Ids rather than objects, so a route never keeps an old window alive.
 */
export class SeriesRoute {
  /** The window whose numbers below are remembered (−1: none). */
  windowId = -1;
  /** The series' number in that window. */
  series = -1;
  /** The token whose entry in that window is at `entryOffset` (undefined: none). */
  entryToken: string | undefined = undefined;
  entryOffset = -1;
  /** The cumulative tracker's epoch in which (`streamToken`, this series) is stream `stream`. */
  streamEpoch = -1;
  streamToken: string | undefined = undefined;
  stream = -1;

  constructor(
    readonly descriptor: SeriesDescriptor,
    readonly drops: readonly DropReason[],
    /**
     * The token in the frozen list this route belongs to, read once; only
     * routes from the directory's identity lookup have one. Undefined when
     * the list has none, or when the route is shared by lists of equal
     * content but different tokens.
     */
    readonly token: string | undefined,
  ) {}
}
