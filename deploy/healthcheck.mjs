#!/usr/bin/env node
// Asks otel-dp's admin endpoint whether it is healthy, for container health
// checks and Kubernetes exec probes: the slim image has no curl, and an exec
// probe lets the admin endpoint stay on loopback, where its exact counters
// cannot be read from outside the pod.
//
//   node healthcheck.mjs [PATH]     PATH: /healthz (default) or /readyz
//
// The address is OTEL_DP_ADMIN_LISTEN, as otel-dp reads it (default
// 127.0.0.1:13133); a listener on every interface is asked on loopback.
// Exit status 0 when the answer is 2xx, 1 otherwise, with one line saying why.
import { request } from 'node:http';

const DEFAULT_ADMIN_LISTEN = '127.0.0.1:13133';
const TIMEOUT_MILLIS = 3000;

/**
 * Where to send the request for an admin listen address (`host:port`,
 * `:port`, `[v6]:port`).
 * @returns {{ host: string, port: number }}
 */
function targetOf(listen) {
  const colon = listen.lastIndexOf(':');
  const port = Number(listen.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`OTEL_DP_ADMIN_LISTEN is "${listen}", must be host:port`);
  }
  let host = listen.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  if (host === '' || host === '0.0.0.0') host = '127.0.0.1';
  else if (host === '::') host = '::1';
  return { host, port };
}

function check(path) {
  const listen = (process.env.OTEL_DP_ADMIN_LISTEN ?? '').trim() || DEFAULT_ADMIN_LISTEN;
  if (listen === 'off') return Promise.resolve({ ok: false, line: 'the admin endpoint is off (OTEL_DP_ADMIN_LISTEN=off): nothing to ask' });
  const { host, port } = targetOf(listen);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
  return new Promise((resolve) => {
    const req = request({ host, port, path, method: 'GET', timeout: TIMEOUT_MILLIS }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve({ ok: status >= 200 && status < 300, line: `GET ${url}: ${status}` });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MILLIS} ms`)));
    req.on('error', (error) => resolve({ ok: false, line: `GET ${url}: ${error.message}` }));
    req.end();
  });
}

const path = process.argv[2] ?? '/healthz';
try {
  if (!path.startsWith('/')) throw new Error(`the path is "${path}", must start with /`);
  const { ok, line } = await check(path);
  (ok ? process.stdout : process.stderr).write(`${line}\n`);
  process.exitCode = ok ? 0 : 1;
} catch (error) {
  process.stderr.write(`healthcheck: ${error.message}\n`);
  process.exitCode = 1;
}
