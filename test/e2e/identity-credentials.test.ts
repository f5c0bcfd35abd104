import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExportMetricsServiceRequest } from '@otel-dp/otlp';
import { OtlpBackend } from '../support/otlp-backend.js';
import { postMetrics, stringAttribute, sumRequest } from '../support/otlp-requests.js';
import { makeTokens, TOKEN_ATTRIBUTE } from '../support/sdk-app.js';
import { SidecarProcess } from '../support/sidecar-process.js';

/**
 * Credentials and tokens in the strings of a series other than attribute
 * values (scope, schema URLs, metric identity), with `--public-attribute`
 * declaring only the routes: nothing placed there reaches the backend, and the
 * declared routes are released from the first window.
 */
const CREDENTIALS = [
  'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  'Bearer abcdefghij0123456789',
  'https://api.example.com/v1?access_token=q8Zr2LmX4vT9',
];
type Field = 'scopeName' | 'scopeVersion' | 'scopeSchemaUrl' | 'resourceSchemaUrl' | 'metricName' | 'description' | 'unit';
const FIELDS: Field[] = ['scopeName', 'scopeVersion', 'scopeSchemaUrl', 'resourceSchemaUrl', 'metricName', 'description', 'unit'];

function placed(field: Field, value: string, tokens: readonly string[]): ExportMetricsServiceRequest {
  const request = sumRequest([{ metric: 'api.requests', points: tokens.map((token) => ({ attributes: [stringAttribute('http.route', '/users'), stringAttribute(TOKEN_ATTRIBUTE, token)], value: 1 })) }]);
  const resourceMetrics = request.resourceMetrics[0];
  const scopeMetrics = resourceMetrics.scopeMetrics[0];
  const metric = scopeMetrics.metrics[0];
  if (field === 'scopeName') scopeMetrics.scope!.name = value;
  if (field === 'scopeVersion') scopeMetrics.scope!.version = value;
  if (field === 'scopeSchemaUrl') scopeMetrics.schemaUrl = value;
  if (field === 'resourceSchemaUrl') resourceMetrics.schemaUrl = value;
  if (field === 'metricName') metric.name = value;
  if (field === 'description') metric.description = value;
  if (field === 'unit') metric.unit = value;
  return request;
}

test('no token or credential placed in scope, schema URL or metric identity reaches the backend; declared routes alone are public', { timeout: 60_000 }, async (t) => {
  const backend = await OtlpBackend.start();
  t.after(() => backend.close());
  const sidecar = await SidecarProcess.start([
    '--window', '1s', '--epsilon', '1e9', '--clip', '*=0:20',
    '--public-attribute', 'http.route=/users,/orders,/health',
    '--otlp-endpoint', backend.endpoint('http/protobuf'),
  ]);
  t.after(() => sidecar.kill());

  const control = await postMetrics(sidecar.httpMetricsUrl, sumRequest([{ metric: 'control.requests', points: [{ attributes: [stringAttribute('http.route', '/users'), stringAttribute(TOKEN_ATTRIBUTE, makeTokens(1)[0])], value: 3 }] }]), 'protobuf');
  assert.equal(control.status, 200, control.text);

  const secrets: string[] = [];
  for (const field of FIELDS) {
    for (const credential of CREDENTIALS) {
      const result = await postMetrics(sidecar.httpMetricsUrl, placed(field, credential, makeTokens(30)), 'protobuf');
      assert.equal(result.status, 200, result.text);
      assert.equal(result.response?.partialSuccess?.rejectedDataPoints, 30n, `${field}: the points are rejected`);
      assert.ok(!(result.response?.partialSuccess?.errorMessage ?? '').includes(credential), 'the answer does not quote the value');
      secrets.push(credential);
    }
    for (const token of makeTokens(20)) {
      const result = await postMetrics(sidecar.httpMetricsUrl, placed(field, `lib.${token}`, [token]), 'protobuf');
      assert.equal(result.status, 200, result.text);
      assert.equal(result.response?.partialSuccess?.rejectedDataPoints, 1n, `${field}: a point carrying its own token is rejected`);
      secrets.push(token);
    }
  }

  await backend.waitFor((b) => b.requestsContaining('control.requests').length >= 2, { what: 'two released windows', timeoutMillis: 20_000 });
  const written = JSON.stringify(backend.received.map((r) => r.request), (_k, v) => (typeof v === 'bigint' ? String(v) : v));
  for (const route of ['/users', '/orders', '/health']) assert.ok(written.includes(route), `declared route ${route} is released`);
  const leaked = secrets.filter((secret) => backend.requestsContaining(secret).length > 0);
  assert.deepEqual(leaked, [], `${leaked.length} of ${secrets.length} placed values reached the backend`);
});
