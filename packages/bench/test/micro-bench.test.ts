import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runMicroBench } from '../src/micro-bench.js';

describe('runMicroBench', () => {
  it('times every sampler both ways and every codec', () => {
    const section = runMicroBench({ runs: 1, repetitionMillis: 15 });
    assert.equal(section.samplers.length, 6);
    for (const sampler of section.samplers) {
      assert.ok(sampler.pooled.median > 0 && sampler.perDraw.median > 0, sampler.sampler);
      // One run: the speedup is that run's ratio (how fast is the benchmark's business, not a test's).
      assert.equal(sampler.speedup.median, sampler.pooled.median / sampler.perDraw.median);
    }
    assert.deepEqual(
      section.codecs.map((c) => c.codec),
      ['protobuf decode (@otel-dp/otlp)', 'JSON.parse of the same request as OTLP/JSON', 'OTLP/JSON decode (@otel-dp/otlp)', 'protobuf encode (@otel-dp/otlp)', 'gunzip of the protobuf body'],
    );
    for (const codec of section.codecs) assert.ok(codec.pointsPerSecond.median > 0, codec.codec);
  });
});
