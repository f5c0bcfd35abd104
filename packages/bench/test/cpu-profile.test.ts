import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { profileArgs, summarizeProfile, type CpuProfile } from '../src/cpu-profile.js';

const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, url, lineNumber });

const profile: CpuProfile = {
  nodes: [
    { id: 1, hitCount: 0, callFrame: frame('(root)', '', -1) },
    { id: 2, hitCount: 50, callFrame: frame('(idle)', '', -1) },
    { id: 3, hitCount: 30, callFrame: frame('takeRequest', 'file:///r/packages/processor-dp/dist/src/intake.js', 40) },
    { id: 4, hitCount: 10, callFrame: frame('takeRequest', 'file:///r/packages/processor-dp/dist/src/intake.js', 40) },
    { id: 5, hitCount: 25, callFrame: frame('(garbage collector)', '', -1) },
    { id: 6, hitCount: 15, callFrame: frame('', 'node:internal/streams/readable', 9) },
    { id: 7, callFrame: frame('neverSampled', 'file:///x.js', 1) },
  ],
};

describe('summarizeProfile', () => {
  it('adds up self samples per function and place, as shares of busy samples', () => {
    const { busySamples, hotSpots } = summarizeProfile(profile, 10);
    assert.equal(busySamples, 80);
    assert.deepEqual(
      hotSpots.map((s) => [s.functionName, s.location, s.samples, s.share]),
      [
        ['takeRequest', 'processor-dp/intake.js:41', 40, 0.5],
        ['(garbage collector)', '', 25, 0.3125],
        ['(anonymous)', 'readable:10', 15, 0.1875],
      ],
    );
  });

  it('keeps only the top entries', () => {
    assert.equal(summarizeProfile(profile, 1).hotSpots.length, 1);
  });
});

describe('profileArgs', () => {
  it('asks node for a named profile only when a directory is given', () => {
    assert.deepEqual(profileArgs(undefined, 'x'), []);
    assert.deepEqual(profileArgs('/tmp/p', 'sidecar'), ['--cpu-prof', '--cpu-prof-dir', '/tmp/p', '--cpu-prof-name', 'sidecar.cpuprofile']);
  });
});
