import type { AnyValue, KeyValue } from '@otel-dp/otlp';
import { DpConfigError, fieldName, type SettingName } from '../config.js';
import { isCredentialKey, looksLikeCredential } from './looks-like-credential.js';
import { VerdictCache } from './verdict-cache.js';

/** What the attribute policy removes besides credentials, from the command line. */
export interface AttributePolicyConfig {
  /** Keys always removed. Empty: none. */
  dropAttributes: string[];
  /**
   * When non-empty, only these keys are kept
   * (allow-list mode). Empty: every key not dropped is kept. The token
   * attribute is read and removed by the engine before the policy runs.
   */
  keepAttributes: string[];
}

/**
 * Why an attribute was removed: its value (or key) looks like a credential,
 * it is on the drop list, or allow-list mode is on and it is not listed.
 */
export type DropReason = 'credential' | 'dropped' | 'not_kept';

/**
 * Nesting depth past which a value is not inspected further and is treated as
 * a credential (fail closed). The OTLP decoder already refuses deeper values;
 * this guards library callers that build their own.
 */
const MAX_INSPECTED_DEPTH = 32;

/**
 * Opaque bytes this long can hold a raw 128-bit key, and a key cannot be told
 * from a digest or any other binary value, so they are treated as a
 * credential. Shorter bytes are judged as Latin-1 text.
 */
const MIN_OPAQUE_KEY_BYTES = 16;

/** Fails fast on an unusable configuration, with the field at fault named by `settingName`. */
export function validateAttributePolicyConfig(config: AttributePolicyConfig, settingName: SettingName<keyof AttributePolicyConfig> = fieldName): void {
  const drop = settingName('dropAttributes');
  const keep = settingName('keepAttributes');
  for (const key of config.dropAttributes) {
    if (key === '') throw new DpConfigError('dropAttributes', `${drop} is empty, must name an attribute key`);
  }
  const kept = new Set<string>();
  for (const key of config.keepAttributes) {
    if (key === '') throw new DpConfigError('keepAttributes', `${keep} has an empty key, must be attribute keys separated by commas`);
    kept.add(key);
  }
  for (const key of config.dropAttributes) {
    if (kept.has(key)) throw new DpConfigError('dropAttributes', `${drop} ${key} is also in ${keep}, must be in one list only`);
  }
}

/**
 * Removes attributes that must not leave the process: values (or keys) that
 * look like credentials, keys on the drop list and, in allow-list mode, keys
 * not on the keep list. Applied to resource, scope and point attributes alike.
 *
 * Each removed attribute is counted once, under the first reason that
 * applies, in the order `dropped`, `not_kept`, `credential`: the lists are
 * configuration and cheaper to check, and a value that is removed anyway
 * need not be inspected.
 */
export class AttributePolicy {
  private readonly dropped: ReadonlySet<string>;
  /** Undefined when allow-list mode is off. */
  private readonly kept: ReadonlySet<string> | undefined;
  private readonly values = new VerdictCache(looksLikeCredential);
  private readonly keys = new VerdictCache(isCredentialKey);

  /** @throws DpConfigError when a key is empty or in both lists. */
  constructor(config: AttributePolicyConfig, settingName: SettingName<keyof AttributePolicyConfig> = fieldName) {
    validateAttributePolicyConfig(config, settingName);
    this.dropped = new Set(config.dropAttributes);
    this.kept = config.keepAttributes.length > 0 ? new Set(config.keepAttributes) : undefined;
  }

  /**
   * Filters one attribute list (resource, scope or point attributes). Returns
   * the same array object when nothing is removed (the hot path does not
   * allocate for clean input), else a new array. Calls `onDrop(reason)` once
   * per removed attribute, never with its key or value. Nested values
   * (arrayValue, kvlistValue) are inspected: a credential anywhere inside
   * drops the whole attribute.
   */
  filter(attributes: KeyValue[], onDrop?: (reason: DropReason) => void): KeyValue[] {
    for (let i = 0; i < attributes.length; i++) {
      const reason = this.reasonToRemove(attributes[i]);
      if (reason !== undefined) return this.filterFrom(attributes, i, reason, onDrop);
    }
    return attributes;
  }

  /** The slow path, from the first attribute to remove on. */
  private filterFrom(attributes: KeyValue[], first: number, firstReason: DropReason, onDrop?: (reason: DropReason) => void): KeyValue[] {
    const kept = attributes.slice(0, first);
    onDrop?.(firstReason);
    for (let i = first + 1; i < attributes.length; i++) {
      const reason = this.reasonToRemove(attributes[i]);
      if (reason === undefined) kept.push(attributes[i]);
      else onDrop?.(reason);
    }
    return kept;
  }

  /** Whether a string written outside attributes (scope, schema URL, metric identity) looks like a credential; cached like attribute values. */
  isCredential(value: string): boolean {
    return value !== '' && this.values.verdict(value);
  }

  private reasonToRemove(attribute: KeyValue): DropReason | undefined {
    const key = attribute.key;
    if (this.dropped.has(key)) return 'dropped';
    if (this.kept !== undefined && !this.kept.has(key)) return 'not_kept';
    if (this.keys.verdict(key) || this.holdsCredential(attribute.value, 0)) return 'credential';
    return undefined;
  }

  private holdsCredential(value: AnyValue, depth: number): boolean {
    if (value.stringValue !== undefined) return this.values.verdict(value.stringValue);
    if (value.arrayValue !== undefined) {
      if (depth >= MAX_INSPECTED_DEPTH) return true;
      const items = value.arrayValue.values;
      for (let i = 0; i < items.length; i++) {
        if (this.holdsCredential(items[i], depth + 1)) return true;
      }
      return false;
    }
    if (value.kvlistValue !== undefined) {
      if (depth >= MAX_INSPECTED_DEPTH) return true;
      const entries = value.kvlistValue.values;
      for (let i = 0; i < entries.length; i++) {
        if (this.keys.verdict(entries[i].key) || this.holdsCredential(entries[i].value, depth + 1)) return true;
      }
      return false;
    }
    if (value.bytesValue !== undefined) {
      const bytes = value.bytesValue;
      return bytes.length >= MIN_OPAQUE_KEY_BYTES || this.values.verdict(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1'));
    }
    // Numbers and booleans carry no credential.
    return false;
  }
}
