import type { WindowSummary } from '@otel-dp/pipeline';

/**
 * A window summary as JSON for the persistent queue. JSON has no bigint,
 * byte string or non-finite number, so those travel as one-key objects
 * (`{"$bigint":"123"}`, `{"$bytes":"<base64>"}`, `{"$number":"NaN"}`) that
 * no summary field can otherwise hold.
 */
export function summaryToJson(summary: WindowSummary): string {
  return JSON.stringify(summary, function (this: Record<string, unknown>, key: string, value: unknown) {
    // The holder's own value: Buffer.toJSON has already run on `value`.
    const raw = this[key];
    if (typeof raw === 'bigint') return { $bigint: raw.toString() };
    if (raw instanceof Uint8Array) return { $bytes: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
    if (typeof raw === 'number' && !Number.isFinite(raw)) return { $number: String(raw) };
    return value;
  });
}

/** The inverse of {@link summaryToJson}. Throws on text that is not JSON; the file checksum vouches for the rest. */
export function summaryFromJson(text: string): WindowSummary {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const keys = Object.keys(value);
    if (keys.length !== 1) return value;
    const tagged = value as Record<string, unknown>;
    if (typeof tagged.$bigint === 'string') return BigInt(tagged.$bigint);
    if (typeof tagged.$bytes === 'string') return new Uint8Array(Buffer.from(tagged.$bytes, 'base64'));
    if (typeof tagged.$number === 'string') return Number(tagged.$number);
    return value;
  }) as WindowSummary;
}
