import type { Logger } from '@otel-dp/pipeline';
import type { MetricSample, MetricSource } from './metric-sample.js';
import { checkSamples } from './sample-check.js';

/**
 * Distinct warnings remembered, so a source that keeps sending a bad sample
 * warns once rather than on every scrape, while the memory stays bounded.
 */
const MAX_REMEMBERED_WARNINGS = 256;

/**
 * Reads every source and keeps the samples fit to publish (see
 * `checkSamples`). A source that throws or returns something other than an
 * array is skipped for that read; dropped samples and failing sources are
 * logged at warn, once per metric and reason (or per source).
 */
export class SampleReader {
  readonly #sources: readonly MetricSource[];
  readonly #logger: Logger;
  readonly #warned = new Set<string>();

  constructor(sources: readonly MetricSource[], logger: Logger) {
    this.#sources = [...sources];
    this.#logger = logger;
  }

  /** The current samples of all sources, in source order. */
  read(): MetricSample[] {
    const all: MetricSample[] = [];
    this.#sources.forEach((source, index) => {
      try {
        const samples = source();
        if (!Array.isArray(samples)) throw new TypeError('the source did not return an array');
        for (const sample of samples) all.push(sample);
      } catch (error) {
        this.#warnOnce(`source ${index}`, 'admin metric source failed, its samples are left out', {
          source: index,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    });
    const { kept, dropped } = checkSamples(all);
    for (const { metric, reason } of dropped) {
      this.#warnOnce(`${metric} ${reason}`, `admin metric sample dropped: ${metric} ${reason}`, { metric });
    }
    return kept;
  }

  #warnOnce(key: string, message: string, fields: Record<string, unknown>): void {
    if (this.#warned.has(key)) return;
    if (this.#warned.size < MAX_REMEMBERED_WARNINGS) this.#warned.add(key);
    this.#logger.warn(message, fields);
  }
}
