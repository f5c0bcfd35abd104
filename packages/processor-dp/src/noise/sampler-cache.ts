/** Samplers kept per parameter; a window uses a handful of scales, so this never grows past a few entries in practice. */
const MAX_CACHED_SAMPLERS = 256;

/**
 * Keeps the set-up work of a sampler (exact fractions, precomputed
 * constants) across calls with the same parameter, so the functional entry
 * points cost no more per draw than holding a sampler object.
 */
export class SamplerCache<T> {
  private readonly byParameter = new Map<number, T>();

  constructor(private readonly create: (parameter: number) => T) {}

  get(parameter: number): T {
    let sampler = this.byParameter.get(parameter);
    if (sampler === undefined) {
      sampler = this.create(parameter);
      if (this.byParameter.size >= MAX_CACHED_SAMPLERS) this.byParameter.clear();
      this.byParameter.set(parameter, sampler);
    }
    return sampler;
  }
}
