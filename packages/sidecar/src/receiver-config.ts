import { accessSync, constants } from 'node:fs';
import { DEFAULT_RECEIVER_CONFIG, parseListenAddress, validateReceiverConfig, type ListenAddress, type OtlpReceiverConfig } from '@otel-dp/receiver-otlp';
import { flagOf, RECEIVER_FIELD_FLAGS } from './field-flags.js';
import { type FlagReader } from './flag-input.js';
import { UsageError } from './usage-error.js';

/**
 * The receiver flags as the receiver's configuration, checked by its own
 * validator. TLS files must be readable now; their contents are read when the receiver starts.
 * @throws {UsageError} naming the first flag at fault.
 */
export function buildReceiverConfig(flags: FlagReader): OtlpReceiverConfig {
  const listen = (name: string, fallback: ListenAddress | 'off'): ListenAddress | 'off' =>
    flags.parse(name, (text, label) => parseListenAddress(text, label)) ?? fallback;
  const config: OtlpReceiverConfig = {
    ...DEFAULT_RECEIVER_CONFIG,
    httpListen: listen('http-listen', DEFAULT_RECEIVER_CONFIG.httpListen),
    grpcListen: listen('grpc-listen', DEFAULT_RECEIVER_CONFIG.grpcListen),
    maxRequestBytes: flags.whole('max-request-bytes', 1) ?? DEFAULT_RECEIVER_CONFIG.maxRequestBytes,
    maxGzipRatio: flags.number('max-gzip-ratio') ?? DEFAULT_RECEIVER_CONFIG.maxGzipRatio,
    maxAttributesPerPoint: flags.whole('max-attributes-per-point', 1) ?? DEFAULT_RECEIVER_CONFIG.maxAttributesPerPoint,
    maxAttributeValueLength: flags.whole('max-attribute-value-length', 1) ?? DEFAULT_RECEIVER_CONFIG.maxAttributeValueLength,
    maxMessagesPerRequest: flags.whole('max-messages-per-request', 1) ?? DEFAULT_RECEIVER_CONFIG.maxMessagesPerRequest,
    ...connectionLimits(flags),
  };
  const { httpListen, grpcListen } = config;
  if (httpListen === 'off' && grpcListen === 'off') {
    throw new UsageError('--http-listen and --grpc-listen are both off: nothing could be received');
  }
  if (httpListen !== 'off' && grpcListen !== 'off' && httpListen.port !== 0 && sameAddress(httpListen, grpcListen)) {
    throw new UsageError(`--http-listen and --grpc-listen are both ${flags.text('http-listen')}: they need different ports`);
  }
  const tls = tlsFiles(flags);
  if (tls !== undefined) config.tls = tls;
  try {
    // Named as the value was given: the flag, or the variable it came from.
    validateReceiverConfig(config, (field) => {
      const flag = flagOf(RECEIVER_FIELD_FLAGS, field);
      return flag === undefined ? field : flags.label(flag);
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  return config;
}

/** The connection flags that are set; the receiver fills in the rest and checks them all. */
function connectionLimits(flags: FlagReader): Partial<OtlpReceiverConfig> {
  const set: Partial<OtlpReceiverConfig> = {};
  const assign = <K extends keyof OtlpReceiverConfig>(field: K, value: OtlpReceiverConfig[K] | undefined): void => {
    if (value !== undefined) set[field] = value;
  };
  assign('maxInflightBytes', flags.whole('max-inflight-bytes', 1));
  assign('maxConnections', flags.whole('max-connections', 1));
  assign('grpcMaxConcurrentStreams', flags.whole('grpc-max-concurrent-streams', 1));
  assign('grpcMaxConnectionIdleMs', flags.durationMillis('grpc-max-connection-idle'));
  assign('grpcKeepaliveTimeMs', flags.durationMillis('grpc-keepalive-time'));
  assign('grpcKeepaliveTimeoutMs', flags.durationMillis('grpc-keepalive-timeout'));
  assign('grpcKeepaliveMinTimeMs', flags.durationMillis('grpc-keepalive-min-time'));
  return set;
}

function tlsFiles(flags: FlagReader): OtlpReceiverConfig['tls'] {
  const certFile = flags.text('tls-cert');
  const keyFile = flags.text('tls-key');
  const clientCaFile = flags.text('tls-client-ca');
  if (certFile === undefined && keyFile === undefined) {
    if (clientCaFile !== undefined) throw new UsageError(`${flags.label('tls-client-ca')} needs --tls-cert and --tls-key`);
    return undefined;
  }
  if (certFile === undefined || keyFile === undefined) {
    throw new UsageError('--tls-cert and --tls-key go together: give both, or neither for plain HTTP and gRPC');
  }
  refuseUnreadable(certFile, flags.label('tls-cert'));
  refuseUnreadable(keyFile, flags.label('tls-key'));
  if (clientCaFile !== undefined) refuseUnreadable(clientCaFile, flags.label('tls-client-ca'));
  return clientCaFile === undefined ? { certFile, keyFile } : { certFile, keyFile, clientCaFile };
}

/**
 * A missing or unreadable TLS file is a configuration mistake: caught here,
 * with the other flags, rather than when the receiver starts. The receiver
 * reads the contents (and says if they are not PEM) at start.
 */
function refuseUnreadable(file: string, label: string): void {
  try {
    accessSync(file, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`${label} ${file} cannot be read (${code})`);
  }
}

function sameAddress(a: ListenAddress, b: ListenAddress): boolean {
  return a.port === b.port && a.host.toLowerCase() === b.host.toLowerCase();
}
