import type * as SimulateModule from '../../../processor-dp/dist/src/simulate.js';

export type { SimulationOptions } from '../../../processor-dp/dist/src/simulate.js';

/**
 * `simulate()` of @otel-dp/processor-dp, loaded from the package's own
 * build: its index does not export it yet. The module is found next to the
 * package's resolved entry point, so this works wherever the package is
 * installed; replace it with a plain import once the index exports
 * `simulate`.
 */
export async function loadSimulate(): Promise<typeof SimulateModule.simulate> {
  const entry = import.meta.resolve('@otel-dp/processor-dp');
  const module = (await import(new URL('./simulate.js', entry).href)) as typeof SimulateModule;
  return module.simulate;
}
