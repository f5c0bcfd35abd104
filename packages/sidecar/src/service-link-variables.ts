import { isIP } from 'node:net';

/**
 * Kubernetes writes variables for every Service of a pod's namespace into each
 * of its containers, unless the pod sets `enableServiceLinks: false`
 * (kubelet's `pkg/kubelet/envvars`). A Service's name becomes a prefix in upper
 * case with `-` and `.` turned into `_`, so a Service named `otel-dp`, or
 * `otel-dp-<anything>`, yields names that start with OTEL_DP_ and name no flag.
 * For a Service `otel-dp` on cluster IP 10.0.0.11 with TCP port 4317 named grpc:
 *
 *   OTEL_DP_SERVICE_HOST=10.0.0.11           OTEL_DP_PORT=tcp://10.0.0.11:4317
 *   OTEL_DP_SERVICE_PORT=4317                OTEL_DP_PORT_4317_TCP=tcp://10.0.0.11:4317
 *   OTEL_DP_SERVICE_PORT_GRPC=4317           OTEL_DP_PORT_4317_TCP_PROTO=tcp
 *                                            OTEL_DP_PORT_4317_TCP_PORT=4317
 *                                            OTEL_DP_PORT_4317_TCP_ADDR=10.0.0.11
 *
 * Only these shapes, with values of the form Kubernetes writes, are let
 * through; anything else under OTEL_DP_ is still refused as a misspelt flag.
 */

/** `OTEL_DP`, then what a Service name after `otel-dp-` turns into. */
const SERVICE = 'OTEL_DP(?:_[A-Z0-9_]*[A-Z0-9])?';
const PROTOCOLS = 'TCP|UDP|SCTP';

type ValueCheck = (value: string, match: RegExpExecArray) => boolean;

const SHAPES: ReadonlyArray<readonly [RegExp, ValueCheck]> = [
  [new RegExp(`^${SERVICE}_SERVICE_HOST$`), (value) => isIP(value) !== 0],
  [new RegExp(`^${SERVICE}_SERVICE_PORT$`), (value) => isPort(value)],
  // Named ports: an IANA service name, letters, digits and single hyphens.
  [new RegExp(`^${SERVICE}_SERVICE_PORT_[A-Z0-9]+(?:_[A-Z0-9]+)*$`), (value) => isPort(value)],
  [new RegExp(`^${SERVICE}_PORT$`), (value) => parseLink(value) !== undefined],
  [new RegExp(`^${SERVICE}_PORT_([0-9]+)_(${PROTOCOLS})$`), (value, match) => linkMatches(value, match)],
  [new RegExp(`^${SERVICE}_PORT_([0-9]+)_(${PROTOCOLS})_PROTO$`), (value, match) => isPort(match[1]) && value === match[2].toLowerCase()],
  [new RegExp(`^${SERVICE}_PORT_([0-9]+)_(${PROTOCOLS})_PORT$`), (value, match) => isPort(match[1]) && value === match[1]],
  [new RegExp(`^${SERVICE}_PORT_([0-9]+)_(${PROTOCOLS})_ADDR$`), (value, match) => isPort(match[1]) && isIP(value) !== 0],
];

/** Whether `name=value` is a variable Kubernetes writes for a Service whose name starts with otel-dp. */
export function isServiceLinkVariable(name: string, value: string): boolean {
  for (const [shape, check] of SHAPES) {
    const match = shape.exec(name);
    if (match !== null && check(value, match)) return true;
  }
  return false;
}

function isPort(text: string): boolean {
  return /^[1-9][0-9]{0,4}$/.test(text) && Number(text) <= 65_535;
}

/** `tcp://10.0.0.11:4317`, or with an IPv6 address in brackets. */
function parseLink(value: string): { protocol: string; port: string } | undefined {
  const match = /^(tcp|udp|sctp):\/\/(?:\[([0-9A-Fa-f:.]+)\]|([0-9.]+)):([0-9]+)$/.exec(value);
  if (match === null) return undefined;
  const address = match[2] ?? match[3];
  const family = isIP(address);
  if ((match[2] !== undefined && family !== 6) || (match[3] !== undefined && family !== 4) || !isPort(match[4])) return undefined;
  return { protocol: match[1], port: match[4] };
}

function linkMatches(value: string, match: RegExpExecArray): boolean {
  const link = parseLink(value);
  return link !== undefined && link.port === match[1] && link.protocol === match[2].toLowerCase();
}
