import type { ExportTraceServiceRequest, Metric } from '@otel-dp/otlp';
import type { AttributePolicy, DropReason } from './attribute-policy/index.js';
import { carriesToken, countDrops, countRefusal, seriesInWindow } from './intake.js';
import type { IntakeCounts } from './intake-counts.js';
import { HISTOGRAM } from './kinds/histogram.js';
import type { MetricContexts } from './kinds/metric-contexts.js';
import { SUM } from './kinds/sum.js';
import type { PublicValues } from './public-partitions.js';
import { resourceContext, scopeContext, type MetricContext, type ResourceContext, type ScopeContext } from './series.js';
import type { MetricGroup, SeriesDirectory } from './series-directory.js';
import { SpanGroups, bucketOf, forEachCountedSpan, type SpanGroup } from './span-groups.js';
import { SPAN_CALLS_IDENTITY, SPAN_DURATION_IDENTITY, SPAN_METRICS_SCOPE } from './span-metrics.js';
import type { SpanCounts } from './span-metrics-options.js';
import { REFUSED, type WindowContributions, type WindowLimits } from './window.js';

/** Groups remembered with their place in the window; past it they start over between requests. */
const MAX_GROUPS = 65_536;

export interface SpanIntakeContext {
  tokenAttribute: string;
  directory: SeriesDirectory;
  metrics: MetricContexts;
  policy: AttributePolicy;
  publicValues: PublicValues;
  limits: WindowLimits;
  /** Extra dimensions, looked up on the span, then its resource. */
  dimensions: readonly string[];
  /** `SpanKind` numbers counted; undefined: all. */
  kinds: ReadonlySet<number> | undefined;
  /** Explicit duration bounds in ms. */
  bounds: readonly number[];
}

/** A point refused because its metric's scope, name or unit looks like a credential. */
const CREDENTIAL_IDENTITY = -10;
/** A point refused, when public values are declared, because its series' strings contain its token. */
const TOKEN_IN_SERIES = -11;

/**
 * A group, and where its two points go in one window: an offset in the window's
 * values, or why they are refused (negative: {@link REFUSED},
 * `REFUSED_BYTES`, {@link CREDENTIAL_IDENTITY}, {@link TOKEN_IN_SERIES}).
 */
interface PlacedGroup extends SpanGroup {
  windowId: number;
  /** The request whose points of the group are counted. */
  request: number;
  calls: number;
  /** What the attribute policy removed from the group's attributes, counted for each point. */
  callsDrops: readonly DropReason[];
  duration: number;
  durationDrops: readonly DropReason[];
}

/** What one trace request left in the window. */
export interface SpansTaken extends SpanCounts {
  /** Counted spans of which at least one point was refused. */
  refused: number;
}

/**
 * Tokened spans straight into the open window, as the span metrics of
 * `span-metrics.ts` would reach it through intake (`intake.ts`), without
 * building them: each span adds 1 to its group's calls entry, 1 to a bucket
 * and its duration to the sum of its duration entry. The entries are the
 * same (token, series) entries, found through the same series directory
 * and window limits, refused and counted for the same reasons; a group
 * finds them once per window. Untokened spans are dropped (counted); the
 * window buffer takes the other cases, untokened spans that pass and
 * exponential durations, by way of span metrics requests.
 */
export class SpanIntake {
  private readonly groups: SpanGroups<PlacedGroup>;
  private readonly resource: ResourceContext;
  private readonly scope: ScopeContext;
  private readonly calls: MetricContext;
  private readonly duration: MetricContext;
  /** Width of a duration entry: the buckets, then the sum. */
  private readonly durationWidth: number;
  /** The strings written with each metric's series (scope, name, description, unit), as intake checks them. */
  private readonly callsIdentity: readonly string[];
  private readonly durationIdentity: readonly string[];
  /** Numbers each request taken. */
  private requests = 0;
  /** The metric groups of the window last taken into: the directory may forget them between windows. */
  private metricGroups: { windowId: number; calls: MetricGroup; duration: MetricGroup } | undefined;

  constructor(private readonly context: SpanIntakeContext) {
    // Fields written out, not spread: objects made by spreading are slower to read, and each span reads one.
    this.groups = new SpanGroups({ tokenAttribute: context.tokenAttribute, dimensions: context.dimensions }, MAX_GROUPS, ({ service, name, at, attributes }) => ({
      service,
      name,
      at,
      attributes,
      next: undefined,
      windowId: -1,
      request: 0,
      calls: REFUSED,
      callsDrops: [],
      duration: REFUSED,
      durationDrops: [],
    }));
    const none = context.policy.filter([], () => {});
    this.resource = resourceContext(undefined, none, '');
    this.scope = scopeContext({ name: SPAN_METRICS_SCOPE, version: '', attributes: none, droppedAttributesCount: 0 }, none, '');
    this.calls = context.metrics.context(spanMetric(SPAN_CALLS_IDENTITY), SUM, true, []);
    this.duration = context.metrics.context(spanMetric(SPAN_DURATION_IDENTITY), HISTOGRAM, false, [...context.bounds]);
    this.durationWidth = context.bounds.length + 2;
    const scopeStrings = ['', SPAN_METRICS_SCOPE, '', ''];
    this.callsIdentity = [...scopeStrings, SPAN_CALLS_IDENTITY.name, SPAN_CALLS_IDENTITY.description, SPAN_CALLS_IDENTITY.unit];
    this.durationIdentity = [...scopeStrings, SPAN_DURATION_IDENTITY.name, SPAN_DURATION_IDENTITY.description, SPAN_DURATION_IDENTITY.unit];
  }

  /** Takes the counted spans of `request` into `window`, counting what is refused in `counts`. */
  take(request: ExportTraceServiceRequest, window: WindowContributions, counts: IntakeCounts): SpansTaken {
    this.groups.trim();
    const selection = { tokenAttribute: this.context.tokenAttribute, untokened: 'drop' as const, kinds: this.context.kinds };
    const bounds = this.context.bounds;
    const sumAt = this.durationWidth - 1;
    const thisRequest = ++this.requests;
    let refused = 0;
    const spans = forEachCountedSpan(request, selection, (span, service, resourceAttributes, token, ms) => {
      const group = this.groups.of(span, service, resourceAttributes, token);
      if (group.windowId !== window.id) this.findEntries(group, token!, window);
      // Intake counts points, and a span metrics request holds one point per group and metric.
      if (group.request !== thisRequest) {
        group.request = thisRequest;
        countPoint(group.calls, group.callsDrops, counts);
        countPoint(group.duration, group.durationDrops, counts);
      }
      const { calls, duration } = group;
      // Read after findEntries(): a new entry may have replaced the values.
      const values = window.pool.values;
      if (calls >= 0) values[calls] += 1;
      if (duration >= 0) {
        values[duration + bucketOf(bounds, ms)] += 1;
        values[duration + sumAt] += ms;
      }
      if (calls < 0 || duration < 0) refused++;
    });
    return { ...spans, refused };
  }

  /** Finds the group's two entries in `window`, creating them when new, as intake would for its points. */
  private findEntries(group: PlacedGroup, token: string, window: WindowContributions): void {
    group.windowId = window.id;
    const metricGroups = this.metricGroupsOf(window);
    [group.calls, group.callsDrops] = this.entry(metricGroups.calls, this.callsIdentity, group, token, window, 1);
    [group.duration, group.durationDrops] = this.entry(metricGroups.duration, this.durationIdentity, group, token, window, this.durationWidth);
  }

  /** The offset of the token's entry for the group's series of one metric, or why it is refused; and what the policy removed. */
  private entry(metricGroup: MetricGroup, identity: readonly string[], group: SpanGroup, token: string, window: WindowContributions, width: number): [number, readonly DropReason[]] {
    const { directory, limits, policy, publicValues, tokenAttribute } = this.context;
    if (identity.some((value) => policy.isCredential(value))) return [CREDENTIAL_IDENTITY, []];
    if (publicValues.enabled && carriesToken(token, identity, group.attributes, tokenAttribute)) return [TOKEN_IN_SERIES, []];
    const route = directory.lookup(metricGroup, group.attributes, window.series.length < limits.maxSeries);
    if (route === undefined) return [REFUSED, []];
    const series = seriesInWindow(route, window, limits);
    return [series < 0 ? series : window.entry(token, series, width, limits), route.drops];
  }

  private metricGroupsOf(window: WindowContributions): { calls: MetricGroup; duration: MetricGroup } {
    if (this.metricGroups?.windowId !== window.id) {
      const { directory, publicValues } = this.context;
      this.metricGroups = {
        windowId: window.id,
        calls: directory.group(this.resource, this.scope, this.calls, publicValues.enabled),
        duration: directory.group(this.resource, this.scope, this.duration, publicValues.enabled),
      };
    }
    return this.metricGroups;
  }
}

/** Counts one point of a group, taken at `offset` or refused (negative), as intake counts a point. */
function countPoint(offset: number, drops: readonly DropReason[], counts: IntakeCounts): void {
  if (offset === CREDENTIAL_IDENTITY) {
    counts.credentialIdentity++;
    return;
  }
  counts.tokened++;
  if (offset === TOKEN_IN_SERIES) {
    counts.tokenInSeries++;
    return;
  }
  if (drops.length > 0) countDrops(drops, counts);
  if (offset < 0) countRefusal(offset, counts);
}

/** A span metric's identity as the metric contexts read it; its points never exist. */
function spanMetric(identity: Pick<Metric, 'name' | 'description' | 'unit'>): Metric {
  return { ...identity, metadata: [] };
}
