import { hostname, networkInterfaces } from 'node:os';
import type { ListenAddress } from '@otel-dp/receiver-otlp';
import { UsageError } from './usage-error.js';

/** Names and addresses by which this machine reaches itself, besides loopback. */
export interface LocalHost {
  hostname: string;
  addresses: readonly string[];
}

/** Reads the host name and interface addresses once; no DNS lookup. */
export function currentLocalHost(): LocalHost {
  const addresses = Object.values(networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .map((entry) => entry.address.toLowerCase());
  return { hostname: hostname().toLowerCase(), addresses };
}

/** One of this process's listeners, by the flag that sets it. */
export interface OwnListener {
  /** `--http-listen`, or the variable it came from. */
  flag: string;
  address: ListenAddress | 'off';
}

/**
 * Refuses a destination that would arrive at one of this process's own
 * listeners: released data (or counters) would come back in as input.
 * @param label the flag or variable the URL came from, for the message; the
 *   URL itself is not quoted, as it may carry credentials.
 * @throws {UsageError} naming both flags.
 */
export function refuseOwnListener(url: URL, label: string, listeners: readonly OwnListener[], local: LocalHost): void {
  for (const listener of listeners) {
    if (listener.address !== 'off' && endpointReachesListener(url, listener.address, local)) {
      throw new UsageError(
        `${label} points at this sidecar's own ${listener.flag} address (port ${listener.address.port}); sending there would feed its output back in`,
      );
    }
  }
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/**
 * Whether an export to `endpoint` would arrive at `listen`, this process's
 * own listener: same port, and a host that reaches the listener. All loopback
 * spellings (localhost, 127.0.0.0/8, ::1) count as one host, since `localhost`
 * may resolve to either family; a listener on every interface (0.0.0.0, ::)
 * is also reached through this machine's host name and interface addresses.
 * Names are compared as written: nothing is resolved through DNS. A listener
 * on port 0 never matches (its port is not known in advance).
 */
export function endpointReachesListener(endpoint: URL, listen: ListenAddress, local: LocalHost): boolean {
  if (listen.port === 0 || endpointPort(endpoint) !== listen.port) return false;
  const target = normalizeHost(endpoint.hostname);
  const bound = normalizeHost(listen.host);
  if (isLoopback(target) && isLoopback(bound)) return true;
  if (WILDCARD_HOSTS.has(bound)) {
    return isLoopback(target) || WILDCARD_HOSTS.has(target) || target === local.hostname || local.addresses.includes(target);
  }
  return target === bound;
}

function endpointPort(endpoint: URL): number {
  if (endpoint.port !== '') return Number(endpoint.port);
  return endpoint.protocol === 'https:' ? 443 : 80;
}

// URL keeps brackets around IPv6 hosts; listen addresses have none.
function normalizeHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare.toLowerCase().replace(/\.$/, '');
}

function isLoopback(host: string): boolean {
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    // The URL parser writes ::ffff:127.0.0.1 as ::ffff:7f00:1.
    /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host)
  );
}
