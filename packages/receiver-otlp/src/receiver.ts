import { silentLogger } from '@otel-dp/pipeline';
import type { Lifecycle, Logger, MetricsConsumer, TraceConsumer } from '@otel-dp/pipeline';
import type { ListenAddress, OtlpReceiverConfig, ReceiverLimits } from './config.js';
import { DEFAULT_SHUTDOWN_TIMEOUT_MILLIS, formatListenAddress, isLoopbackHost, resolveReceiverConfig, resolveReceiverLimits, type ResolvedReceiverConfig } from './config.js';
import { fieldName, type ReceiverSettingName } from './config.js';
import { resolveConnectionLimits } from './connection-limits.js';
import type { ConnectionLimits } from './connection-limits.js';
import { ReceiverConfigError, ReceiverStartError } from './errors.js';
import type { ExchangeContext } from './exchange.js';
import { GrpcListener } from './grpc-listener.js';
import { HttpListener } from './http-listener.js';
import { InflightBytes } from './inflight-bytes.js';
import { AttributeLimits } from './limits.js';
import type { ReceiverStats } from './receiver-stats.js';
import { TransportCounters } from './receiver-stats.js';
import type { OtlpSignal } from './exchange.js';
import { METRICS_SIGNAL, tracesSignal } from './signals.js';
import { loadTlsMaterial } from './tls-files.js';
import type { TlsMaterial } from './tls-files.js';

export interface OtlpReceiverOptions {
  /** Where start-up addresses and failures are logged. Default: {@link silentLogger}. */
  logger?: Logger;
  /**
   * How long `shutdown()` lets requests in flight finish before cutting
   * their connections, in milliseconds. Default 5000; 0 cuts at once.
   */
  shutdownTimeoutMillis?: number;
  /**
   * Takes trace requests (`POST /v1/traces`, TraceService/Export) on the
   * same listeners, under the same limits. Without it traces are not served:
   * 404 / UNIMPLEMENTED, as for any other path.
   */
  traceConsumer?: TraceConsumer;
  /**
   * What configuration errors and the limits named to clients (a 400 past
   * `maxAttributesPerPoint`, say) call a setting; default the field's name.
   * A program that maps the fields from its own options passes its names.
   */
  settingName?: ReceiverSettingName;
}

type Transport = 'OTLP/HTTP' | 'OTLP/gRPC';

/**
 * Receives OTLP metrics over HTTP (`POST /v1/metrics`, protobuf or JSON,
 * gzip) and gRPC (MetricsService/Export), optionally over TLS, decodes them,
 * checks the request limits and hands each request to `consumer.consume`,
 * answering with the OTLP response or status that the consumer's result
 * calls for. With a `traceConsumer`, trace requests (`POST /v1/traces`,
 * TraceService/Export) are served alike on the same listeners and limits.
 * The receiver knows nothing of tokens.
 *
 * `start()` and `shutdown()` are idempotent; a receiver does not restart
 * after `shutdown()`.
 */
export class OtlpReceiver implements Lifecycle {
  readonly #config: ResolvedReceiverConfig;
  readonly #settingName: ReceiverSettingName;
  readonly #consumer: MetricsConsumer;
  readonly #signals: readonly OtlpSignal[];
  readonly #logger: Logger;
  readonly #shutdownTimeoutMillis: number;
  readonly #limits: ReceiverLimits & { settingName: ReceiverSettingName };
  readonly #attributeLimits: AttributeLimits;
  readonly #connectionLimits: ConnectionLimits;
  readonly #inflight: InflightBytes;
  readonly #stats = { http: new TransportCounters(), grpc: new TransportCounters() };
  #http: HttpListener | undefined;
  #grpc: GrpcListener | undefined;
  #httpAddress: ListenAddress | undefined;
  #grpcAddress: ListenAddress | undefined;
  #started: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;

  /** @throws {ReceiverConfigError} naming the first invalid field. */
  constructor(config: OtlpReceiverConfig, consumer: MetricsConsumer, options: OtlpReceiverOptions = {}) {
    const settingName = options.settingName ?? fieldName;
    const resolved = resolveReceiverConfig(config, settingName);
    const shutdownTimeoutMillis = options.shutdownTimeoutMillis ?? DEFAULT_SHUTDOWN_TIMEOUT_MILLIS;
    if (!Number.isFinite(shutdownTimeoutMillis) || shutdownTimeoutMillis < 0) {
      throw new ReceiverConfigError('shutdownTimeoutMillis', `shutdownTimeoutMillis is ${shutdownTimeoutMillis}, must be a number of milliseconds of at least 0`);
    }
    this.#config = resolved;
    this.#settingName = settingName;
    this.#consumer = consumer;
    this.#signals = options.traceConsumer === undefined ? [METRICS_SIGNAL] : [METRICS_SIGNAL, tracesSignal(options.traceConsumer, resolved.maxAttributeValueLength)];
    this.#logger = options.logger ?? silentLogger;
    this.#shutdownTimeoutMillis = shutdownTimeoutMillis;
    this.#limits = { ...resolveReceiverLimits(resolved), settingName };
    this.#attributeLimits = new AttributeLimits(resolved.maxAttributesPerPoint, resolved.maxAttributeValueLength, settingName);
    this.#connectionLimits = resolveConnectionLimits(resolved);
    this.#inflight = new InflightBytes(resolved.maxInflightBytes, settingName('maxInflightBytes'));
  }

  /**
   * Exact counters per transport since construction, kept across shutdown;
   * read them when serving the local admin endpoint. They sum over every
   * token: never export them beside the privatized data.
   */
  get stats(): ReceiverStats {
    return this.#stats;
  }

  /**
   * Bytes held now by requests in flight on both listeners, the most held
   * at once since construction, and the limit (`maxInflightBytes`).
   */
  get inflight(): { bytes: number; peakBytes: number; limit: number } {
    return { bytes: this.#inflight.bytes, peakBytes: this.#inflight.peakBytes, limit: this.#inflight.limit };
  }

  /** The bound OTLP/HTTP address while started (port 0 resolved); undefined when off or not listening. */
  get httpAddress(): ListenAddress | undefined {
    return this.#httpAddress;
  }

  /** The bound OTLP/gRPC address while started (port 0 resolved); undefined when off or not listening. */
  get grpcAddress(): ListenAddress | undefined {
    return this.#grpcAddress;
  }

  /**
   * Reads the TLS files, if any, then binds both listeners. If either
   * cannot bind, whatever was bound is released and the promise rejects with
   * a {@link ReceiverStartError} naming the transport, the address and the
   * reason; unusable TLS files reject it with a {@link ReceiverConfigError}
   * naming the flag. Later calls return the first call's promise.
   */
  start(): Promise<void> {
    if (this.#stopped !== undefined) {
      return Promise.reject(new ReceiverStartError('RECEIVER_SHUT_DOWN', 'the OTLP receiver was shut down and does not start again'));
    }
    this.#started ??= this.#start();
    return this.#started;
  }

  /**
   * Stops accepting, lets requests in flight finish (up to
   * `shutdownTimeoutMillis`), then closes. Later calls return the first call's promise.
   */
  shutdown(): Promise<void> {
    this.#stopped ??= this.#shutdown();
    return this.#stopped;
  }

  async #start(): Promise<void> {
    const tls = this.#config.tls === undefined ? undefined : await loadTlsMaterial(this.#config.tls, this.#settingName);
    try {
      if (this.#config.httpListen !== 'off') {
        this.#http = new HttpListener(this.#exchangeContext(this.#stats.http), this.#connectionLimits.maxConnections, tls);
        this.#httpAddress = await this.#http.listen(this.#config.httpListen);
        this.#announce('OTLP/HTTP', this.#httpAddress, tls);
      }
      if (this.#config.grpcListen !== 'off') {
        this.#grpc = new GrpcListener(this.#exchangeContext(this.#stats.grpc), this.#connectionLimits, tls);
        this.#grpcAddress = await this.#grpc.listen(this.#config.grpcListen);
        this.#announce('OTLP/gRPC', this.#grpcAddress, tls);
      }
    } catch (error) {
      await this.#closeListeners(0);
      throw error;
    }
    if (this.#http === undefined && this.#grpc === undefined) {
      this.#logger.warn('OTLP receiver has both listeners off and receives nothing');
    }
  }

  async #shutdown(): Promise<void> {
    await this.#started?.catch(() => undefined);
    await this.#closeListeners(this.#shutdownTimeoutMillis);
  }

  async #closeListeners(shutdownTimeoutMillis: number): Promise<void> {
    const [httpCut, grpcCut] = await Promise.all([this.#http?.close(shutdownTimeoutMillis) ?? 0, this.#grpc?.close(shutdownTimeoutMillis) ?? 0]);
    if (httpCut + grpcCut > 0) {
      this.#logger.warn('OTLP receiver cut requests still in flight at the shutdown deadline', {
        httpRequests: httpCut,
        grpcCalls: grpcCut,
        shutdownTimeoutMillis,
      });
    }
    this.#http = undefined;
    this.#grpc = undefined;
    this.#httpAddress = undefined;
    this.#grpcAddress = undefined;
  }

  #exchangeContext(counters: TransportCounters): ExchangeContext {
    return {
      consumer: this.#consumer,
      signals: this.#signals,
      limits: this.#limits,
      attributeLimits: this.#attributeLimits,
      counters,
      inflight: this.#inflight,
      logger: this.#logger,
    };
  }

  #announce(transport: Transport, address: ListenAddress, tls: TlsMaterial | undefined): void {
    const where = formatListenAddress(address);
    const security = tls === undefined ? 'off' : tls.clientCa === undefined ? 'tls' : 'mutual-tls';
    const suffix = security === 'off' ? '' : security === 'tls' ? ', TLS' : ', TLS with client certificates';
    const fields = { transport, address: where, loopback: isLoopbackHost(address.host), tls: security };
    if (fields.loopback) {
      this.#logger.info(`${transport} receiver listening on ${where} (loopback only${suffix})`, fields);
    } else {
      this.#logger.warn(`${transport} receiver listening on ${where}, reachable from other hosts${suffix}`, fields);
    }
  }
}
