import { MAX_SPAN_DURATION_NANOS, type AnyValue, type ExportTraceServiceRequest, type KeyValue, type Span } from '@otel-dp/otlp';
import { tokenIn } from './attributes.js';
import type { UntokenedPolicy } from './config.js';
import { SPAN_KIND_NAMES, type SpanCounts } from './span-metrics-options.js';

/** The resource attribute read for the `service.name` dimension, and its value when absent (as OpenTelemetry SDKs default it). */
export const UNKNOWN_SERVICE = 'unknown_service';
const STATUS_CODE_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
const STATUS_COUNT = STATUS_CODE_NAMES.length;
/** A token's groups compared one by one; past this many (a token of many span names) the rest are found by key. */
const SCANNED_GROUPS = 16;

/**
 * Frozen attribute lists of the groups already seen, by dimension settings
 * and group key, shared by every {@link SpanGroups}. The DpProcessor
 * remembers a frozen list's token, series and window entry by its
 * identity, so a group met again costs it one lookup instead of hashing
 * and comparing its attributes. At most {@link MAX_CACHED_LISTS} are kept
 * (about 6 MB); past it the cache starts over.
 */
const groupLists = new Map<string, Map<string, KeyValue[]>>();
const MAX_CACHED_LISTS = 16_384;
let cachedLists = 0;

/** What, beside the span, decides which group it counts in. */
export interface SpanGroupSettings {
  tokenAttribute: string;
  /** Extra dimensions, looked up on the span, then its resource. */
  dimensions: readonly string[];
}

/**
 * One (token, service.name, span.name, span.kind, status.code, extra
 * dimensions) group. Its user extends it with what it keeps for the group,
 * in the same object: spans are counted by the million, and each object
 * more is a memory access more per span.
 */
export interface SpanGroup {
  readonly service: string;
  readonly name: string;
  /** Kind and status: kind × 3 + status. */
  readonly at: number;
  /** The group's point attributes, token included: frozen, and shared by every group of the same key. */
  readonly attributes: KeyValue[];
  /** The token's group met before this one, when groups are found by token. */
  next: this | undefined;
}

/** Makes a group from its identity; the user's fields start empty. */
export type NewSpanGroup<G extends SpanGroup> = (identity: Omit<SpanGroup, 'next'>) => G;

/**
 * The span metrics groups met so far, found again without building a key
 * when there are no extra dimensions: by token (a string the decoder hands
 * out again for the same bytes, whose hash V8 keeps), then along that
 * token's few groups by kind and status, span name and service name,
 * compared in place. Building and hashing a key string per span was a
 * fifth of the sidecar's CPU on requests of a thousand tokens. With extra
 * dimensions, and past a token's first {@link SCANNED_GROUPS} groups, the
 * key is built. Bounded: {@link trim} starts over past `maxGroups`.
 */
export class SpanGroups<G extends SpanGroup> {
  /** Each token's latest group, which links to the ones before. */
  private readonly byToken = new Map<string | undefined, G>();
  private readonly byKey = new Map<string, G>();
  private readonly listPrefix: string;
  private size = 0;

  constructor(
    private readonly settings: SpanGroupSettings,
    private readonly maxGroups: number,
    private readonly create: NewSpanGroup<G>,
  ) {
    const { tokenAttribute, dimensions } = settings;
    this.listPrefix = `${tokenAttribute.length}:${tokenAttribute}${dimensions.map((name) => `${name.length}:${name}`).join('')}|`;
  }

  /** Forgets every group once there are `maxGroups`; only between requests, while no caller holds a group. */
  trim(): void {
    if (this.size < this.maxGroups) return;
    this.byToken.clear();
    this.byKey.clear();
    this.size = 0;
  }

  /** The group of a span of a resource with this service name and these attributes. */
  of(span: Span, service: string, resourceAttributes: readonly KeyValue[], token: string | undefined): G {
    return this.settings.dimensions.length === 0 ? this.scanned(span, service, token) : this.keyed(span, service, resourceAttributes, token);
  }

  private scanned(span: Span, service: string, token: string | undefined): G {
    const name = span.name;
    const kindIndex = knownKind(span.kind);
    const statusIndex = knownStatus(span.statusCode);
    const at = kindIndex * STATUS_COUNT + statusIndex;
    const latest = this.byToken.get(token);
    let scanned = 0;
    for (let group = latest; group !== undefined; group = group.next) {
      if (group.at === at && group.name === name && group.service === service) return group;
      scanned++;
    }
    const kind = SPAN_KIND_NAMES[kindIndex];
    const status = STATUS_CODE_NAMES[statusIndex];
    const key = `${tokenPart(token)}${service.length}:${service}${name.length}:${name}${kind}${status}`;
    if (scanned >= SCANNED_GROUPS) {
      const known = this.byKey.get(key);
      if (known !== undefined) return known;
    }
    const group = this.create({ service, name, at, attributes: this.attributes(key, service, name, kind, status, undefined, token) });
    if (scanned < SCANNED_GROUPS) {
      group.next = latest;
      this.byToken.set(token, group);
    } else this.byKey.set(key, group);
    this.size++;
    return group;
  }

  private keyed(span: Span, service: string, resourceAttributes: readonly KeyValue[], token: string | undefined): G {
    const kindIndex = knownKind(span.kind);
    const statusIndex = knownStatus(span.statusCode);
    const kind = SPAN_KIND_NAMES[kindIndex];
    const status = STATUS_CODE_NAMES[statusIndex];
    let key = `${tokenPart(token)}${service.length}:${service}${span.name.length}:${span.name}${kind}${status}`;
    const extra = this.settings.dimensions.map((name) => dimensionValue(span.attributes, name) ?? dimensionValue(resourceAttributes, name));
    for (const value of extra) key += keyPart(value);
    let group = this.byKey.get(key);
    if (group === undefined) {
      group = this.create({ service, name: span.name, at: kindIndex * STATUS_COUNT + statusIndex, attributes: this.attributes(key, service, span.name, kind, status, extra, token) });
      this.byKey.set(key, group);
      this.size++;
    }
    return group;
  }

  /** The group's attribute list, frozen and shared with earlier groups of the same key. */
  private attributes(key: string, service: string, name: string, kind: string, status: string, extra: (AnyValue | undefined)[] | undefined, token: string | undefined): KeyValue[] {
    // By settings, then by the group key: the key string is hashed once for both maps.
    let lists = groupLists.get(this.listPrefix);
    if (lists === undefined) groupLists.set(this.listPrefix, (lists = new Map()));
    let attributes = lists.get(key);
    if (attributes !== undefined) return attributes;
    attributes = [
      { key: 'service.name', value: { stringValue: service } },
      { key: 'span.name', value: { stringValue: name } },
      { key: 'span.kind', value: { stringValue: kind } },
      { key: 'status.code', value: { stringValue: status } },
    ];
    if (extra !== undefined) {
      for (let i = 0; i < extra.length; i++) {
        const value = extra[i];
        if (value !== undefined) attributes.push({ key: this.settings.dimensions[i], value });
      }
    }
    if (token !== undefined) attributes.push({ key: this.settings.tokenAttribute, value: { stringValue: token } });
    for (const attribute of attributes) Object.freeze(Object.freeze(attribute).value);
    Object.freeze(attributes);
    if (cachedLists >= MAX_CACHED_LISTS) {
      groupLists.clear();
      groupLists.set(this.listPrefix, lists);
      lists.clear();
      cachedLists = 0;
    }
    lists.set(key, attributes);
    cachedLists++;
    return attributes;
  }
}

/** A span's kind, unknown ones as SPAN_KIND_UNSPECIFIED. */
export function knownKind(kind: number): number {
  return kind >= 0 && kind < SPAN_KIND_NAMES.length ? kind : 0;
}

/** A span's status code, unknown ones as STATUS_CODE_UNSET. */
function knownStatus(code: number): number {
  return STATUS_CODE_NAMES[code] === undefined ? 0 : code;
}

export function serviceName(attributes: readonly KeyValue[]): string {
  for (const attribute of attributes) {
    if (attribute.key === 'service.name' && attribute.value.stringValue !== undefined && attribute.value.stringValue !== '') return attribute.value.stringValue;
  }
  return UNKNOWN_SERVICE;
}

function tokenPart(token: string | undefined): string {
  return token === undefined ? '-' : `${token.length}:${token}`;
}

/** The scalar value of attribute `key`, or undefined when absent or not a scalar. */
function dimensionValue(attributes: readonly KeyValue[], key: string): AnyValue | undefined {
  for (let i = 0; i < attributes.length; i++) {
    if (attributes[i].key !== key) continue;
    const v = attributes[i].value;
    if (v.stringValue !== undefined) return { stringValue: v.stringValue };
    if (v.intValue !== undefined) return { intValue: v.intValue };
    if (v.doubleValue !== undefined) return { doubleValue: v.doubleValue };
    if (v.boolValue !== undefined) return { boolValue: v.boolValue };
    return undefined;
  }
  return undefined;
}

// Length prefixes and type tags keep two different dimension sets from sharing a key whatever their characters.
function keyPart(value: AnyValue | undefined): string {
  if (value === undefined) return '-';
  if (value.stringValue !== undefined) return `s${value.stringValue.length}:${value.stringValue}`;
  if (value.intValue !== undefined) return `i${value.intValue};`;
  if (value.doubleValue !== undefined) return `d${value.doubleValue};`;
  return value.boolValue === true ? 't' : 'f';
}

/** The first bound at or above `ms` (OTLP's buckets include their upper bound), or the overflow bucket. */
export function bucketOf(bounds: readonly number[], ms: number): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bounds[mid] < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const NANOS_PER_MILLI = 1e6;
/**
 * The longest span counted, as a number: exact (below 2^53), and rounding
 * a difference to a number keeps its order against it, so the bound is the
 * same as {@link MAX_SPAN_DURATION_NANOS} without a BigInt comparison per span.
 */
const MAX_DURATION_NANOS = Number(MAX_SPAN_DURATION_NANOS);

export interface SpanSelection {
  tokenAttribute: string;
  untokened: UntokenedPolicy;
  /** `SpanKind` numbers counted; undefined: all. */
  kinds: ReadonlySet<number> | undefined;
}

/** Called for each counted span: its token (undefined only under `pass`) and its duration in ms. */
export type CountedSpan = (span: Span, service: string, resourceAttributes: readonly KeyValue[], token: string | undefined, ms: number) => void;

/**
 * Visits every span of a request that counts: the token is looked up on the
 * span, then its scope, then its resource. Each span counts exactly once: a
 * sampling weight (tracestate `th`) is not applied, because a span counted
 * `w` times would make one request weigh `w` in a token's contribution.
 */
export function forEachCountedSpan(request: ExportTraceServiceRequest, selection: SpanSelection, counted: CountedSpan): SpanCounts {
  const counts = { counted: 0, untokened: 0, invalid: 0, skipped: 0 };
  const { tokenAttribute, kinds } = selection;
  const drop = selection.untokened === 'drop';
  for (const resourceSpans of request.resourceSpans) {
    const resourceAttributes = resourceSpans.resource?.attributes ?? [];
    const service = serviceName(resourceAttributes);
    const resourceToken = tokenIn(resourceAttributes, tokenAttribute);
    for (const scopeSpans of resourceSpans.scopeSpans) {
      const scopeToken = tokenIn(scopeSpans.scope?.attributes ?? [], tokenAttribute) ?? resourceToken;
      for (const span of scopeSpans.spans) {
        const nanos = Number(span.endTimeUnixNano - span.startTimeUnixNano);
        if (nanos < 0 || nanos > MAX_DURATION_NANOS) {
          counts.invalid++;
          continue;
        }
        if (kinds !== undefined && !kinds.has(knownKind(span.kind))) {
          counts.skipped++;
          continue;
        }
        const token = tokenIn(span.attributes, tokenAttribute) ?? scopeToken;
        if (token === undefined) {
          counts.untokened++;
          if (drop) continue;
        }
        counts.counted++;
        counted(span, service, resourceAttributes, token, nanos / NANOS_PER_MILLI);
      }
    }
  }
  return counts;
}
