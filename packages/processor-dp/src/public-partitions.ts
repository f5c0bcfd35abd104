import type { KeyValue } from '@otel-dp/otlp';

/** Series one declaration may stand for; past this the values are not expanded and selection applies. */
const MAX_EXPANSION = 10_000;

/**
 * `publicAttributes` (`KEY=V1,V2,…` in text): values known to everyone, such as the
 * routes of a public API. A series whose every point attribute (after the
 * token and dropped attributes are removed) has a declared value needs no
 * partition selection: its existence reveals nothing. Resource and scope are
 * public by design, as the metric is; intake refuses a point whose series
 * strings contain its own token, so a token cannot be published this way.
 *
 * Releasing such a series only once some token used it would still reveal
 * that use. So when the first one of a metric appears, every combination of
 * the declared values for its attribute keys becomes public at once, and is
 * released every window from then on, used or not. What remains assumed
 * public is the metric itself (name, resource, scope and attribute keys):
 * the application's structure, not its customers' behaviour.
 */
export class PublicValues {
  private readonly values: Map<string, Set<string>>;

  constructor(declared: Record<string, string[]>) {
    this.values = new Map(Object.entries(declared).map(([key, values]) => [key, new Set(values)]));
  }

  get enabled(): boolean {
    return this.values.size > 0;
  }

  /** True when every attribute is a string with a declared value. */
  covers(attributes: readonly KeyValue[]): boolean {
    for (const attribute of attributes) {
      const value = attribute.value.stringValue;
      if (value === undefined || this.values.get(attribute.key)?.has(value) !== true) return false;
    }
    return true;
  }

  /** Every attribute set over `keys` with declared values, or undefined when there would be too many. */
  combinations(keys: readonly string[]): KeyValue[][] | undefined {
    let total = 1;
    for (const key of keys) total *= this.values.get(key)?.size ?? 0;
    if (total === 0 || total > MAX_EXPANSION) return undefined;
    let sets: KeyValue[][] = [[]];
    for (const key of keys) {
      const next: KeyValue[][] = [];
      for (const set of sets) {
        for (const value of this.values.get(key)!) next.push([...set, { key, value: { stringValue: value } }]);
      }
      sets = next;
    }
    return sets;
  }
}
