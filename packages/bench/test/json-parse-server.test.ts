import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { METRICS_EXPORT_PATH, encodeMetricsRequestJson } from '@otel-dp/otlp';
import { startJsonParseServer } from '../src/json-parse-server.js';
import { buildWorkload } from '../src/workload.js';

function post(port: number, body: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: METRICS_EXPORT_PATH, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

describe('the JSON.parse pass', () => {
  it('parses OTLP/JSON bodies, gzipped or not, and refuses what is not a JSON object or not UTF-8', async () => {
    const server = await startJsonParseServer({ host: '127.0.0.1', port: 0 });
    try {
      const body = Buffer.from(encodeMetricsRequestJson(buildWorkload()[0]));
      assert.deepEqual(await post(server.port, body), { status: 200, body: '{}' });
      assert.equal((await post(server.port, gzipSync(body), { 'content-encoding': 'gzip' })).status, 200);
      assert.equal((await post(server.port, body.subarray(0, body.length - 1))).status, 400);
      assert.equal((await post(server.port, Buffer.from('42'))).status, 400);
      assert.equal((await post(server.port, Buffer.from([0x7b, 0xff, 0x7d]))).status, 400);
      assert.equal(server.parsed, 2);
      assert.equal(server.refused, 3);
    } finally {
      await server.close();
    }
  });
});
