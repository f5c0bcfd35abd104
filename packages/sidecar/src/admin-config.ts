import { resolveSelfTelemetryEndpoint, MIN_SELF_TELEMETRY_INTERVAL_MILLIS } from '@otel-dp/admin';
import { parseListenAddress, type ListenAddress } from '@otel-dp/receiver-otlp';
import { formatDuration } from './duration.js';
import { defaulted, type FlagReader } from './flag-input.js';
import { refuseOwnListener, type LocalHost, type OwnListener } from './self-export.js';
import { UsageError } from './usage-error.js';

/** The admin endpoint, and the opt-in export of its counters. */
export interface AdminSetting {
  listen: ListenAddress | 'off';
  /** Undefined unless `--self-telemetry-endpoint` is set. */
  selfTelemetry: { endpoint: string; intervalMillis: number } | undefined;
}

/**
 * The admin flags as a configuration.
 * @param receivers the receiver's listen addresses: the admin endpoint may
 *   not take the same port, and self-telemetry may not send to any of the
 *   sidecar's listeners.
 * @throws {UsageError} naming the first flag at fault.
 */
export function buildAdminSetting(flags: FlagReader, receivers: readonly OwnListener[], local: LocalHost): AdminSetting {
  const listen = defaulted(
    flags.parse('admin-listen', (text, label) => parseListenAddress(text, label)),
    'admin-listen',
  );
  if (listen !== 'off' && listen.port !== 0) {
    for (const receiver of receivers) {
      if (receiver.address !== 'off' && receiver.address.port === listen.port && receiver.address.host.toLowerCase() === listen.host.toLowerCase()) {
        throw new UsageError(`${flags.label('admin-listen')} and ${receiver.flag} are both ${flags.text('admin-listen')}: they need different ports`);
      }
    }
  }
  const intervalMillis = defaulted(flags.durationMillis('self-telemetry-interval'), 'self-telemetry-interval');
  if (intervalMillis < MIN_SELF_TELEMETRY_INTERVAL_MILLIS) {
    throw new UsageError(
      `${flags.label('self-telemetry-interval')} is ${formatDuration(intervalMillis)}, must be at least ${formatDuration(MIN_SELF_TELEMETRY_INTERVAL_MILLIS)}`,
    );
  }
  const text = flags.text('self-telemetry-endpoint');
  if (text === undefined) return { listen, selfTelemetry: undefined };
  const label = flags.label('self-telemetry-endpoint');
  let url: URL;
  try {
    // Named as the value was given: the flag, or the variable it came from.
    url = resolveSelfTelemetryEndpoint(text, label);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  refuseOwnListener(url, label, [...receivers, { flag: flags.label('admin-listen'), address: listen }], local);
  return { listen, selfTelemetry: { endpoint: url.href, intervalMillis } };
}
