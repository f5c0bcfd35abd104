import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { start, waitFor } from './support/child.js';
import { getText } from './support/http.js';
import { postJson, tokenedRequest } from './support/requests.js';

/** Token values sent below; none may appear in anything the sidecar writes. */
const TOKENS = Array.from({ length: 6 }, (_, i) => `tok_live_${i}_Zq8x1Vb7Lw`);

/**
 * Sends tokened traffic of several kinds: accepted points, a point refused
 * for its value, a request refused as malformed, a request without a token.
 */
async function sendTraffic(http: string): Promise<void> {
  for (const token of TOKENS.slice(0, 4)) assert.equal(await postJson(http, tokenedRequest({ token })), 200);
  // A NaN value: taken by the receiver, refused by the processor (a partial success naming the reason).
  assert.equal(await postJson(http, tokenedRequest({ token: TOKENS[4] }).replace(/"asInt":"3"/, '"asDouble":"NaN"')), 200);
  // A value of the wrong type: refused as bad data by the decoder.
  assert.equal(await postJson(http, tokenedRequest({ token: TOKENS[5] }).replace(/"asInt":"3"/, '"asInt":"many"')), 400);
  assert.equal(await postJson(http, tokenedRequest().replace(/\{"key":"api\.token"[^}]*\}\},/, '')), 200);
}

for (const format of ['json', 'pretty'] as const) {
  describe(`--log-level debug --log-format ${format}`, () => {
    it('never writes a token value, while tokened data flows through a window', async () => {
      const child = start([
        'run',
        '--http-listen', '127.0.0.1:0',
        '--grpc-listen', 'off',
        '--admin-listen', '127.0.0.1:0',
        '--window', '1s',
        '--log-level', 'debug',
        '--log-format', format,
      ]);
      try {
        const readyLine = (): string | undefined => child.stderr().split('\n').find((line) => /"msg":"ready"| INFO {2}ready /.test(line));
        await waitFor(() => readyLine() !== undefined, 10_000, 'the ready line');
        const field = (name: string): string => new RegExp(`"?${name}"?[:=]"?([0-9.]+:[0-9]+)`).exec(readyLine() ?? '')?.[1] ?? '';
        await sendTraffic(field('http'));
        // The window closes and the processor logs its release at debug.
        await waitFor(() => /window released/.test(child.stderr()), 10_000, 'a window released');
        const admin = `http://${field('admin')}`;
        const served = (await getText(`${admin}/metrics`)).body + (await getText(`${admin}/`)).body;
        child.process.kill('SIGTERM');
        assert.equal((await child.exit(15_000)).code, 0, child.stderr());

        const stderr = child.stderr();
        const lines = stderr.trimEnd().split('\n');
        assert.ok(lines.length > 10, `only ${lines.length} log lines`);
        if (format === 'json') {
          for (const line of lines) JSON.parse(line);
          assert.ok(lines.some((line) => JSON.parse(line).level === 'debug'), 'debug lines are written');
        } else {
          for (const line of lines) assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO |WARN |ERROR) \S/);
          assert.ok(lines.some((line) => / DEBUG /.test(line)), 'debug lines are written');
        }
        for (const token of TOKENS) {
          assert.ok(!stderr.includes(token), `${token} in the logs`);
          assert.ok(!child.stdout().includes(token), `${token} in the debug exporter's output`);
          assert.ok(!served.includes(token), `${token} on the admin endpoint`);
        }
      } finally {
        child.process.kill('SIGKILL');
      }
    });
  });
}
