import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) that the summary reads. */
export interface CpuProfile {
  nodes: Array<{ id: number; hitCount?: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
}

/** A function and the share of busy samples spent in its own code (self time). */
export interface HotSpot {
  functionName: string;
  /** File name and 1-based line, or a V8 pseudo-frame such as `(garbage collector)`. */
  location: string;
  samples: number;
  share: number;
}

export interface ProfileSummary {
  /** Which process was profiled, and the file the profile is in. */
  process: string;
  file: string;
  /** Samples taken while the process was not idle. */
  busySamples: number;
  hotSpots: HotSpot[];
}

/** Node options that make a child write a CPU profile named `name` into `dir` when it exits; none without a dir. */
export function profileArgs(dir: string | undefined, name: string): string[] {
  return dir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-name', `${name}.cpuprofile`];
}

/**
 * Self time by function over a profile, largest first: samples whose top
 * frame is the function, as a share of the samples in which the process was
 * busy (the `(idle)` pseudo-frame is left out). Frames of one function at one
 * place are added up, wherever they were called from.
 */
export function summarizeProfile(profile: CpuProfile, top: number): { busySamples: number; hotSpots: HotSpot[] } {
  const byFunction = new Map<string, HotSpot>();
  let busySamples = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (hits === 0 || functionName === '(idle)') continue;
    busySamples += hits;
    const location = url === '' ? '' : `${shortUrl(url)}:${lineNumber + 1}`;
    const name = functionName === '' ? '(anonymous)' : functionName;
    const key = `${name}@${location}`;
    const spot = byFunction.get(key) ?? { functionName: name, location, samples: 0, share: 0 };
    spot.samples += hits;
    byFunction.set(key, spot);
  }
  const hotSpots = [...byFunction.values()]
    .sort((a, b) => b.samples - a.samples)
    .slice(0, top)
    .map((spot) => ({ ...spot, share: busySamples === 0 ? 0 : spot.samples / busySamples }));
  return { busySamples, hotSpots };
}

/** `file:///…/packages/processor-dp/dist/src/intake.js` → `processor-dp/intake.js` (compiled lines); other files by base name. */
function shortUrl(url: string): string {
  const match = /packages\/([^/]+)\/dist\/(?:src\/)?(.+)$/.exec(url);
  return match === null ? basename(url) : `${match[1]}/${match[2]}`;
}

/** Reads and summarizes a profile file; undefined if the process did not write it. */
export function readProfileSummary(processName: string, file: string, top: number): ProfileSummary | undefined {
  let profile: CpuProfile;
  try {
    profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  } catch {
    return undefined;
  }
  return { process: processName, file, ...summarizeProfile(profile, top) };
}
