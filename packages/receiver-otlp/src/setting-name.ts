import type { OtlpReceiverConfig, ReceiverTlsConfig } from './config.js';

/** A field of {@link OtlpReceiverConfig} (TLS files as `tls.certFile` …), as errors and limit messages name it. */
export type ReceiverConfigField = keyof OtlpReceiverConfig | `tls.${keyof ReceiverTlsConfig}`;

/**
 * What a message calls a setting. By default the field's own name; a
 * program that sets the fields from its own options (the sidecar's flags)
 * gives its names, so that users and clients read the name the operator set.
 */
export type ReceiverSettingName = (field: ReceiverConfigField) => string;

/** Names each setting by its field. */
export function fieldName(field: ReceiverConfigField): string {
  return field;
}
