import type { DropReason } from './attribute-policy/index.js';
import { fieldName, type SettingName } from './config.js';
import { MAX_HISTOGRAM_BUCKETS } from './kinds/point-values.js';

/** What one request's intake refused or removed, and why. */
export interface IntakeCounts {
  /** Points that carried a token, taken or refused. */
  tokened: number;
  untokened: number;
  summaries: number;
  notANumber: number;
  unspecifiedTemporality: number;
  /** Histogram points whose bucket counts do not fit their bounds. */
  malformed: number;
  /** Histogram points with more than MAX_HISTOGRAM_BUCKETS buckets. */
  tooManyBuckets: number;
  /** Points refused because the window holds its most tokens, series or entries. */
  overCapacity: number;
  /** Points refused because a new token, series, entry or cumulative baseline would pass the most bytes (`maxWindowBytes`). */
  overWindowBytes: number;
  /** Points of metrics whose scope, schema URL, name, description or unit looks like a credential. */
  credentialIdentity: number;
  /** Points refused, when `publicAttributes` are declared, because their series key would carry their own token. */
  tokenInSeries: number;
  droppedAttributes: Map<DropReason, number>;
}

export function emptyIntakeCounts(): IntakeCounts {
  return { tokened: 0, untokened: 0, summaries: 0, notANumber: 0, unspecifiedTemporality: 0, malformed: 0, tooManyBuckets: 0, overCapacity: 0, overWindowBytes: 0, credentialIdentity: 0, tokenInSeries: 0, droppedAttributes: new Map() };
}

/** The partial-success message: what was refused and why, never a token value. */
export function describeRefusals(counts: IntakeCounts, tokenAttribute: string, settingName: SettingName = fieldName): { rejected: number; message: string } {
  const reasons: [number, string][] = [
    [counts.untokened, `data points without the ${tokenAttribute} attribute were dropped`],
    [counts.summaries, 'summary data points were dropped (summaries cannot be merged across tokens)'],
    [counts.notANumber, 'NaN data points were dropped'],
    [counts.unspecifiedTemporality, 'data points with unspecified aggregation temporality were dropped'],
    [counts.malformed, 'histogram data points whose bucket counts do not match their bounds were dropped'],
    [counts.tooManyBuckets, `histogram data points with more than ${MAX_HISTOGRAM_BUCKETS} buckets were dropped`],
    [counts.credentialIdentity, 'data points were dropped because their metric name, description, unit, scope name or version, or schema URL looks like a credential'],
    [counts.tokenInSeries, 'data points were dropped because a series attribute, scope or metric string contains their token'],
    [counts.overCapacity, 'data points were dropped because the window holds its most tokens, series or (token, series) entries'],
    [counts.overWindowBytes, `data points were dropped because the window holds its most bytes (${settingName('maxWindowBytes')})`],
  ];
  let rejected = 0;
  const parts: string[] = [];
  for (const [count, reason] of reasons) {
    if (count === 0) continue;
    rejected += count;
    parts.push(`${count} ${reason}`);
  }
  return { rejected, message: parts.join('; ') };
}
