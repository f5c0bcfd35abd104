import type { KeyValue } from '@otel-dp/otlp';
import { attributesHash, attributesKey, sameAttributes, tokenIn, withoutAttribute } from './attributes.js';
import type { AttributePolicy, DropReason } from './attribute-policy/index.js';
import type { PublicValues } from './public-partitions.js';
import { metricPrefix, type MetricContext, type ResourceContext, type ScopeContext, type SeriesDescriptor } from './series.js';
import { SeriesRoute } from './series-route.js';

/** A raw attribute set seen before (the first point's own list, token included) and its series. */
interface RawEntry {
  attributes: KeyValue[];
  route: SeriesRoute;
}

/** The series of one metric in one resource and scope. */
export class MetricGroup {
  /**
   * Hash of the raw point attributes (without the token) → the raw sets with
   * that hash and their series. Several raw sets can meet in one series once
   * the policy has removed attributes.
   */
  readonly byRawHash = new Map<number, RawEntry[]>();
  /**
   * Frozen raw sets (the decoder shares one frozen list among all points
   * with the same encoded attributes) → their own route, which also knows
   * the list's token: a frozen list cannot change, so its identity is enough.
   */
  readonly byFrozenList = new Map<KeyValue[], SeriesRoute>();
  /** Series key → descriptor. */
  readonly byKey = new Map<string, SeriesDescriptor>();

  constructor(
    readonly prefix: string,
    readonly resource: ResourceContext,
    readonly scope: ScopeContext,
    readonly metric: MetricContext,
    /** Resource and scope are built only from declared public values. */
    readonly publicOrigin: boolean,
  ) {}
}

export interface DirectoryContext {
  tokenAttribute: string;
  policy: AttributePolicy;
  publicValues: PublicValues;
}

/**
 * Finds the series of each point without rebuilding its identity: a point
 * with a frozen attribute list costs one lookup by the list's identity,
 * another a hash of its own attributes, one map lookup and one comparison;
 * the attribute policy and the full series key run once per distinct
 * attribute set.
 *
 * Descriptors get a number that windows index entries by. Cached entries are
 * bounded: past `maxEntries` no new raw set is cached (it is resolved the slow
 * way each time), and {@link sweep}, called between windows, starts afresh,
 * so within a window one series keeps one descriptor.
 */
export class SeriesDirectory {
  private readonly groups = new Map<string, MetricGroup>();
  private entries = 0;
  private nextId = 1;

  constructor(
    private readonly context: DirectoryContext,
    private readonly maxEntries: number,
  ) {}

  group(resource: ResourceContext, scope: ScopeContext, metric: MetricContext, publicOrigin: boolean): MetricGroup {
    const prefix = metricPrefix(resource, scope, metric);
    let group = this.groups.get(prefix);
    if (group === undefined) {
      group = new MetricGroup(prefix, resource, scope, metric, publicOrigin);
      this.groups.set(prefix, group);
    }
    return group;
  }

  /** The route of a frozen attribute list met before in this group, or undefined; changes nothing. */
  known(group: MetricGroup, attributes: KeyValue[]): SeriesRoute | undefined {
    return group.byFrozenList.get(attributes);
  }

  /** The route of a point with these raw attributes, or undefined when it would be a new series and `mayCreate` is false. */
  lookup(group: MetricGroup, attributes: KeyValue[], mayCreate: boolean): SeriesRoute | undefined {
    const known = group.byFrozenList.get(attributes);
    if (known !== undefined) return known;
    const { tokenAttribute, policy, publicValues } = this.context;
    const hash = attributesHash(attributes, tokenAttribute);
    const bucket = group.byRawHash.get(hash);
    if (bucket !== undefined) {
      for (const entry of bucket) {
        if (sameAttributes(attributes, entry.attributes, tokenAttribute)) return this.remember(group, attributes, entry.route);
      }
    }
    const drops: DropReason[] = [];
    const kept = policy.filter(withoutAttribute(attributes, tokenAttribute), (reason) => drops.push(reason));
    const key = group.prefix + attributesKey(kept);
    let descriptor = group.byKey.get(key);
    if (descriptor === undefined) {
      if (!mayCreate) return undefined;
      descriptor = {
        id: this.nextId++,
        key,
        prefix: group.prefix,
        resource: group.resource,
        scope: group.scope,
        metric: group.metric,
        attributes: kept,
        declaredPublic: group.publicOrigin && publicValues.covers(kept),
      };
      group.byKey.set(key, descriptor);
      this.entries++;
    }
    const route = new SeriesRoute(descriptor, drops, undefined);
    if (this.entries < this.maxEntries) {
      if (bucket === undefined) group.byRawHash.set(hash, [{ attributes, route }]);
      else bucket.push({ attributes, route });
      this.entries++;
    }
    return this.remember(group, attributes, route);
  }

  /** A frozen list gets a route of its own, which carries its token; others share the route of their content. */
  private remember(group: MetricGroup, attributes: KeyValue[], shared: SeriesRoute): SeriesRoute {
    if (this.entries >= this.maxEntries || !Object.isFrozen(attributes)) return shared;
    const own = new SeriesRoute(shared.descriptor, shared.drops, tokenIn(attributes, this.context.tokenAttribute));
    group.byFrozenList.set(attributes, own);
    this.entries++;
    return own;
  }

  /** Forgets every cached series when the cache is full; only between windows. */
  sweep(): void {
    if (this.entries < this.maxEntries) return;
    this.groups.clear();
    this.entries = 0;
  }
}
