/** Where a listener binds. `host` holds an IPv6 address without brackets. */
export interface ListenAddress {
  host: string;
  /** TCP port, 0–65535; 0 lets the operating system choose a free port. */
  port: number;
}

/** `host:port`, with brackets around an IPv6 host. */
export function formatListenAddress(address: ListenAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** Whether only this machine can reach the address. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$/.test(host);
}
