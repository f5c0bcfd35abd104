import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Lifecycle, type Logger } from '@otel-dp/pipeline';
import { answerAdminRequest } from './admin-routes.js';
import {
  DEFAULT_WINDOW_HISTORY_CAPACITY,
  STATUS_CHART_WINDOWS,
  STATUS_HISTORY_MILLIS,
  formatListenAddress,
  isLoopbackHost,
  fieldName,
  validateAdminConfig,
  type AdminSettingName,
  type AdminServerConfig,
  type ListenAddress,
} from './config.js';
import type { ConfigValue } from './config-display.js';
import { AdminStartError } from './errors.js';
import type { MetricSource } from './metric-sample.js';
import { SampleReader } from './sample-reader.js';
import { renderStatusPage, type ExporterHealth } from './status-page.js';
import { WindowHistory, windowEventProblem, type WindowEvent } from './window-history.js';

export interface AdminServerOptions {
  /** Read on each scrape of `/metrics`, in this order. */
  sources: readonly MetricSource[];
  /**
   * The settings shown on the status page, by flag name. Give header values
   * and secrets already redacted; keys that name a secret and values shaped
   * like a credential are hidden again by the page.
   */
  /** A function is called on each request, so addresses bound after start (port 0) show as bound. */
  configInEffect: Readonly<Record<string, ConfigValue>> | (() => Readonly<Record<string, ConfigValue>>);
  /** Read on each request for the status page; a throw shows "could not be read". */
  exporterHealth: () => ExporterHealth[];
  /** Default: silent. */
  logger?: Logger;
  /** The clock of the status page, in Unix milliseconds. Default `Date.now`. */
  now?: () => number;
  /**
   * What errors and the status page call a setting; default the field's
   * name. A program that maps the fields from its own options passes its names.
   */
  settingName?: AdminSettingName;
}

/**
 * The local admin endpoint (`listen`): `GET /healthz` (the process
 * answers), `GET /readyz` (200 once {@link setReady} says so, 503 before and
 * while shutting down), `GET /metrics` (the sources in the Prometheus text
 * format 0.0.4) and `GET /` (the status page). The figures are exact sums
 * over every token, not privatized, which is why the endpoint binds to
 * loopback by default and warns when it does not.
 */
export class AdminServer implements Lifecycle {
  readonly #config: AdminServerConfig;
  readonly #settingName: AdminSettingName;
  readonly #options: AdminServerOptions;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #samples: SampleReader;
  readonly #history: WindowHistory;
  readonly #server: Server;
  #ready = false;
  #address: ListenAddress | undefined;
  #started: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;

  /** @throws {AdminConfigError} when the configuration is malformed. */
  constructor(config: AdminServerConfig, options: AdminServerOptions) {
    this.#settingName = options.settingName ?? fieldName;
    validateAdminConfig(config, this.#settingName);
    this.#config = config;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#samples = new SampleReader(options.sources, this.#logger);
    this.#history = new WindowHistory(config.windowHistoryCapacity ?? DEFAULT_WINDOW_HISTORY_CAPACITY);
    // 2 s windows on an hour-long axis would be a sliver at its right edge.
    this.#chartSpanMillis =
      config.windowMillis === undefined
        ? STATUS_HISTORY_MILLIS
        : Math.min(STATUS_HISTORY_MILLIS, config.windowMillis * Math.min(STATUS_CHART_WINDOWS, this.#history.capacity));
    this.#server = createServer((req, res) => {
      try {
        answerAdminRequest(req, res, {
          isReady: () => this.#ready,
          readSamples: () => this.#samples.read(),
          statusPage: () => this.#statusPage(),
        });
      } catch (error) {
        // Last resort: a throw here would end the process. The client's URL is not logged: it is theirs to fill.
        this.#logger.error('admin endpoint could not answer a request', { error: describe(error) });
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('internal error\n');
      }
    });
  }

  /** Where the endpoint listens (the port resolved when 0 was asked); undefined when off, not started or shut down. */
  get address(): ListenAddress | undefined {
    return this.#address;
  }

  /** What `/readyz` answers now. */
  get ready(): boolean {
    return this.#ready;
  }

  /**
   * Sets what `/readyz` answers: call `setReady(true)` once the receiver's
   * listeners are up, `setReady(false)` as shutdown begins.
   */
  setReady(ready: boolean): void {
    this.#ready = ready;
  }

  /**
   * Keeps a closed window for the status page's charts (the latest
   * `windowHistoryCapacity`). An event with a missing or negative figure is
   * logged and left out.
   */
  recordWindow(event: WindowEvent): void {
    const problem = windowEventProblem(event);
    if (problem !== undefined) {
      this.#logger.warn(`admin endpoint: window event left out of the status page, ${problem}`);
      return;
    }
    this.#history.push({ ...event });
  }

  /**
   * Binds and serves; does nothing when `listen` is 'off'. Later calls return
   * the first call's promise.
   * @throws {AdminStartError} ADMIN_LISTEN_FAILED when the address cannot be
   *   bound, ADMIN_SHUT_DOWN after `shutdown()`.
   */
  start(): Promise<void> {
    if (this.#stopped !== undefined) {
      return Promise.reject(new AdminStartError('ADMIN_SHUT_DOWN', 'admin endpoint was shut down and cannot start again'));
    }
    this.#started ??= this.#listen();
    return this.#started;
  }

  /** Answers `/readyz` with 503, stops listening and closes open connections. Idempotent. */
  shutdown(): Promise<void> {
    this.#ready = false;
    this.#stopped ??= this.#close();
    return this.#stopped;
  }

  async #listen(): Promise<void> {
    const listen = this.#config.listen;
    if (listen === 'off') {
      this.#logger.info('admin endpoint is off: no health, readiness or metrics endpoint');
      return;
    }
    const where = formatListenAddress(listen);
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        const code = error.code === undefined ? '' : ` (${error.code})`;
        reject(new AdminStartError('ADMIN_LISTEN_FAILED', `${this.#settingName('listen')} ${where} could not be bound${code}: ${error.message}`, { cause: error }));
      };
      this.#server.once('error', onError);
      this.#server.listen({ host: listen.host, port: listen.port }, () => {
        this.#server.off('error', onError);
        // An 'error' without a listener would end the process (accept can fail, e.g. EMFILE).
        this.#server.on('error', (error) => this.#logger.error('admin endpoint server error', { error: describe(error) }));
        resolve();
      });
    });
    this.#address = { host: listen.host, port: (this.#server.address() as AddressInfo).port };
    announceAdminListen(this.#logger, this.#address);
  }

  async #close(): Promise<void> {
    await this.#started?.catch(() => undefined);
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    // Answers are written whole as requests arrive, so open connections hold nothing in flight.
    this.#server.closeAllConnections();
    await closed;
    this.#address = undefined;
  }

  readonly #chartSpanMillis: number;

  #statusPage(): string {
    const nowMillis = this.#now();
    const fromMillis = nowMillis - this.#chartSpanMillis;
    let exporters: ExporterHealth[] | undefined;
    try {
      const health = this.#options.exporterHealth();
      if (!Array.isArray(health)) throw new TypeError('exporterHealth did not return an array');
      exporters = health;
    } catch (error) {
      this.#logger.warn('admin endpoint: exporter health could not be read', { error: describe(error) });
    }
    return renderStatusPage({
      nowMillis,
      fromMillis,
      ready: this.#ready,
      configInEffect: typeof this.#options.configInEffect === 'function' ? this.#options.configInEffect() : this.#options.configInEffect,
      windows: this.#history.endedSince(fromMillis),
      exporters,
      settingName: this.#settingName,
    });
  }
}

/** Logs where the admin endpoint listens; at warn when other hosts can reach it. */
export function announceAdminListen(logger: Logger, address: ListenAddress): void {
  const where = formatListenAddress(address);
  const fields = { address: where, loopback: isLoopbackHost(address.host) };
  if (fields.loopback) {
    logger.info(`admin endpoint listening on ${where} (loopback only)`, fields);
  } else {
    logger.warn(
      `admin endpoint listening on ${where}, reachable from other hosts: its counters are exact sums over all tokens, not privatized`,
      fields,
    );
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
