import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricSample } from './metric-sample.js';
import { PROMETHEUS_CONTENT_TYPE, formatExposition } from './prometheus-text.js';

/** The paths the admin endpoint serves. */
export const ADMIN_PATHS = Object.freeze({ status: '/', health: '/healthz', ready: '/readyz', metrics: '/metrics' });

/** What the routes read, each at the moment of a request. */
export interface AdminRouteContext {
  isReady(): boolean;
  /** Samples checked and fit to publish. */
  readSamples(): MetricSample[];
  statusPage(): string;
}

const TEXT = 'text/plain; charset=utf-8';
const HTML = 'text/html; charset=utf-8';
/** The status page needs its inline style and nothing else: no script, frame, form or remote asset. */
const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Answers one request. GET and HEAD only (405 otherwise, with `Allow`); the
 * query string is ignored; unknown paths get 404. Every answer is built
 * synchronously, so a request is never left half-answered.
 */
export function answerAdminRequest(req: IncomingMessage, res: ServerResponse, context: AdminRouteContext): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, 405, TEXT, 'method not allowed: the admin endpoint answers GET and HEAD\n');
    return;
  }
  switch (pathOf(req.url)) {
    case ADMIN_PATHS.health:
      send(res, 200, TEXT, 'ok\n');
      return;
    case ADMIN_PATHS.ready:
      // 503 tells load balancers and Kubernetes to route elsewhere until the listeners are up, and again while shutting down.
      if (context.isReady()) send(res, 200, TEXT, 'ready\n');
      else send(res, 503, TEXT, 'not ready\n');
      return;
    case ADMIN_PATHS.metrics:
      send(res, 200, PROMETHEUS_CONTENT_TYPE, formatExposition(context.readSamples()));
      return;
    case ADMIN_PATHS.status:
      res.setHeader('Content-Security-Policy', PAGE_POLICY);
      res.setHeader('Referrer-Policy', 'no-referrer');
      send(res, 200, HTML, context.statusPage());
      return;
    default:
      send(res, 404, TEXT, 'not found: the admin endpoint serves /, /healthz, /readyz and /metrics\n');
  }
}

/** The path of a request target, or undefined when it is not an origin-form path. */
function pathOf(target: string | undefined): string | undefined {
  if (target === undefined || !target.startsWith('/')) return undefined;
  const query = target.indexOf('?');
  return query < 0 ? target : target.slice(0, query);
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  const bytes = Buffer.from(body, 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', bytes.length);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // Node leaves the body out of an answer to HEAD by itself, keeping Content-Length.
  res.end(bytes);
}
