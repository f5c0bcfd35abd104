import type { Logger } from '@otel-dp/pipeline';
import type { UniformSource } from '@otel-dp/exporter-helper';
import { validateOtlpExporterConfig, type OtlpExporterConfig } from './config.js';
import { GrpcTransport } from './grpc-transport.js';
import { HttpTransport } from './http-transport.js';
import { RetryingExporter } from '@otel-dp/exporter-helper';

export interface OtlpExporterOptions {
  /** Receives start/stop at info, partial successes at warn, retries at debug. Default: silent. */
  logger?: Logger;
  /** Uniform draws in [0, 1) for backoff jitter. Default: node:crypto. */
  random?: UniformSource;
  /**
   * How long `shutdown()` lets in-flight attempts finish before aborting
   * them, in milliseconds. Default 5000. 0 aborts them at once.
   */
  shutdownTimeoutMillis?: number;
}

/**
 * Sends each batch's OTLP request to a backend over gRPC or HTTP (protobuf
 * or JSON), retrying transient failures with exponential backoff and jitter
 * as the OpenTelemetry Collector's exporterhelper does (see
 * {@link RetryingExporter} for the export and shutdown contract).
 *
 * The constructor validates the configuration and throws an ExporterError
 * with code EXPORT_CONFIG_INVALID naming the bad field.
 */
export class OtlpExporter extends RetryingExporter {
  constructor(config: OtlpExporterConfig, options: OtlpExporterOptions = {}) {
    const url = validateOtlpExporterConfig(config);
    const copy: OtlpExporterConfig = { ...config, headers: { ...config.headers }, retry: { ...config.retry } };
    super(config.protocol === 'grpc' ? new GrpcTransport(url, copy) : new HttpTransport(url, copy), {
      label: 'OTLP exporter',
      describe: {
        // Credentials may sit in the userinfo or the query string; logs get neither.
        endpoint: `${url.origin}${url.pathname}`,
        protocol: config.protocol,
        compression: config.compression,
        headers: Object.keys(config.headers),
      },
      retry: copy.retry,
      timeoutMillis: config.timeoutMillis,
      logger: options.logger,
      random: options.random,
      shutdownTimeoutMillis: options.shutdownTimeoutMillis,
    });
  }
}
