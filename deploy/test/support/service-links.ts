import type { KubernetesObject } from './deploy-files.js';

/**
 * The variables the kubelet gives every container of a pod whose spec leaves
 * enableServiceLinks on, for one Service with a cluster IP, as
 * `pkg/kubelet/envvars` of Kubernetes builds them: the Service's name in upper
 * case with `-` and `.` as `_`, `_SERVICE_HOST`, `_SERVICE_PORT` (first port),
 * `_SERVICE_PORT_<PORT NAME>` per named port, and the Docker-link variables.
 * Headless Services (clusterIP None) get none.
 */
export function serviceLinkVariables(service: KubernetesObject, clusterIp: string): Record<string, string> {
  if (service.spec?.clusterIP === 'None') return {};
  const ports = service.spec?.ports ?? [];
  if (ports.length === 0) return {};
  const prefix = variableName(String(service.metadata?.name));
  const hostPort = (port: number): string => (clusterIp.includes(':') ? `[${clusterIp}]:${port}` : `${clusterIp}:${port}`);
  const env: Record<string, string> = {
    [`${prefix}_SERVICE_HOST`]: clusterIp,
    [`${prefix}_SERVICE_PORT`]: String(ports[0].port),
  };
  for (const port of ports) {
    if (port.name !== undefined) env[`${prefix}_SERVICE_PORT_${variableName(port.name)}`] = String(port.port);
  }
  ports.forEach((port, index) => {
    const protocol = (port.protocol ?? 'TCP').toUpperCase();
    const link = `${protocol.toLowerCase()}://${hostPort(port.port)}`;
    if (index === 0) env[`${prefix}_PORT`] = link;
    const portPrefix = `${prefix}_PORT_${port.port}_${protocol}`;
    env[portPrefix] = link;
    env[`${portPrefix}_PROTO`] = protocol.toLowerCase();
    env[`${portPrefix}_PORT`] = String(port.port);
    env[`${portPrefix}_ADDR`] = clusterIp;
  });
  return env;
}

function variableName(name: string): string {
  const upper = name.replace(/[-.]/g, '_').toUpperCase();
  return /^[0-9]/.test(upper) ? `_${upper}` : upper;
}
