import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeMetricsRequestJson } from '@otel-dp/otlp';
import { DEFAULT_DP_CONFIG, formatPlan, planPrivacy, withSpanMetricsClipDefaults } from '@otel-dp/processor-dp';
import { start, waitFor } from './support/child.js';

const WINDOW_MILLIS = 60_000;
/** A window boundary: 2023-11-14T22:13:00Z. */
const FIRST_WINDOW_MILLIS = 1_699_999_980_000;
const ROUTES = ['/users', '/orders'];

/**
 * One recorded request per window in `windows`: `tokens` tokens each add 1
 * to every route, as delta counter points stamped 1 s into the window.
 */
function recordedLine(window: number, tokens: number): string {
  const time = BigInt(FIRST_WINDOW_MILLIS + window * WINDOW_MILLIS + 1_000) * 1_000_000n;
  const dataPoints = [];
  for (let token = 0; token < tokens; token++) {
    for (const route of ROUTES) {
      dataPoints.push({
        asInt: '1',
        startTimeUnixNano: String(time - 1_000_000_000n),
        timeUnixNano: String(time),
        attributes: [
          { key: 'api.token', value: { stringValue: `tok_recorded_${token}` } },
          { key: 'http.route', value: { stringValue: route } },
        ],
      });
    }
  }
  const metric = { name: 'http.server.requests', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints } };
  return JSON.stringify({ resourceMetrics: [{ resource: { attributes: [] }, scopeMetrics: [{ scope: { name: 'recorded' }, metrics: [metric] }] }] });
}

describe('otel-dp simulate, as a process', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'otel-dp-simulate-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('prints one decodable OTLP/JSON request per window per run, in window order', async () => {
    const input = join(dir, 'three-windows.jsonl');
    // Windows 0 and 2 hold data, window 1 none; blank lines (CRLF too) are skipped.
    await writeFile(input, `${recordedLine(0, 20)}\n\n${recordedLine(2, 20)}\r\n\r\n`);
    const runs = 4;
    const child = start(['simulate', '--input', input, '--runs', String(runs), '--public-attribute', `http.route=${ROUTES.join(',')}`, '--output-temporality', 'delta']);
    const { code } = await child.exit(30_000);
    assert.equal(code, 0, child.stderr());
    assert.equal(child.stderr(), '');
    const lines = child.stdout().trimEnd().split('\n');
    assert.equal(lines.length, 3 * runs, 'windows × runs');
    const ends = lines.map((line) => {
      const request = decodeMetricsRequestJson(line);
      const points = request.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.flatMap((m) => m.sum?.dataPoints ?? [])));
      // Public routes are released in every window, the empty one included.
      assert.deepEqual(points.map((point) => point.attributes.map((a) => a.value.stringValue).join()).sort(), [...ROUTES].sort());
      return Number(points[0].timeUnixNano / 1_000_000n);
    });
    const windowEnds = [1, 2, 3].map((n) => FIRST_WINDOW_MILLIS + n * WINDOW_MILLIS);
    assert.deepEqual(ends, Array.from({ length: runs }, () => windowEnds).flat());
    assert.ok(!child.stdout().includes('tok_recorded_'), 'no token in the output');
  });

  it('reads --input and --runs from their variables', async () => {
    const input = join(dir, 'from-env.jsonl');
    await writeFile(input, `${recordedLine(0, 20)}\n`);
    const child = start(['simulate', '--public-attribute', `http.route=${ROUTES.join(',')}`], { OTEL_DP_INPUT: input, OTEL_DP_RUNS: '3' });
    assert.equal((await child.exit(30_000)).code, 0, child.stderr());
    assert.equal(child.stdout().trimEnd().split('\n').length, 3);
  });

  it('takes the collector example request, every metric kind of it, as a line', async () => {
    const example = JSON.parse(await readFile(new URL('../../../../test/testdata/otlp-example-metrics.json', import.meta.url), 'utf8'));
    // One token for the whole resource: its series are then held back by partition selection.
    example.resourceMetrics[0].resource.attributes.push({ key: 'api.token', value: { stringValue: 'tok_example_1' } });
    const input = join(dir, 'example.jsonl');
    await writeFile(input, `${JSON.stringify(example)}\n`);
    const child = start(['simulate', '--input', input]);
    const { code } = await child.exit(30_000);
    assert.equal(code, 0, child.stderr());
    // All of its points fall in one window, which releases nothing but held series back: run would export an empty request.
    assert.equal(child.stdout(), '{}\n');
  });

  it('stops at a malformed line with exit status 2, naming the line', async () => {
    const input = join(dir, 'broken.jsonl');
    await writeFile(input, `${recordedLine(0, 2)}\n\n{"resourceMetrics": [\n${recordedLine(1, 2)}\n`);
    const child = start(['simulate', '--input', input]);
    const { code } = await child.exit(30_000);
    assert.equal(code, 2);
    assert.equal(child.stdout(), '', 'nothing is released from a broken input');
    assert.match(child.stderr(), new RegExp(`^otel-dp: --input ${input.replace(/[.]/g, '\\.')}, line 3: invalid ExportMetricsServiceRequest: not valid JSON`));
    assert.match(child.stderr(), /See 'otel-dp simulate --help'\.\n$/);
  });

  it('names a line whose fields are wrong, without quoting its values', async () => {
    const input = join(dir, 'wrong-field.jsonl');
    const line = recordedLine(0, 1).replace('"asInt":"1"', '"asInt":"tok_secret_value"');
    await writeFile(input, `${line}\n`);
    const child = start(['simulate', '--input', input]);
    assert.equal((await child.exit(30_000)).code, 2);
    assert.match(child.stderr(), /line 1: invalid ExportMetricsServiceRequest at resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\.sum\.dataPoints\[0\]\.asInt/);
    assert.ok(!child.stderr().includes('tok_secret_value'));
  });

  it('refuses a missing or unreadable input and a bad run count with exit status 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['simulate'], /--input is required/],
      [['simulate', '--input', join(dir, 'absent.jsonl')], /--input .*absent\.jsonl cannot be read \(ENOENT\)/],
      [['simulate', '--input', dir], /cannot be read \(EISDIR\)/],
      [['simulate', '--input', 'x', '--runs', '0'], /--runs is 0, must be at least 1/],
      [['simulate', '--input', 'x', '--state-dir', dir], /unknown flag --state-dir/],
    ];
    for (const [args, expected] of cases) {
      const child = start(args);
      assert.equal((await child.exit(30_000)).code, 2, args.join(' '));
      assert.match(child.stderr(), expected);
    }
  });

  it('writes lines as they come and ends quietly when its reader goes away', async () => {
    const input = join(dir, 'one-window.jsonl');
    await writeFile(input, `${recordedLine(0, 5)}\n`);
    const child = start(['simulate', '--input', input, '--runs', '1000000']);
    // The first lines arrive long before a million runs could end.
    await waitFor(() => child.stdout().includes('\n'), 20_000, `no line: ${child.stderr()}`);
    child.process.stdout?.destroy();
    const { code, afterMillis } = await child.exit(15_000);
    assert.equal(code, 0, child.stderr());
    assert.ok(afterMillis < 10_000, `took ${afterMillis}ms`);
    assert.equal(child.stderr(), '');
  });
});

describe('otel-dp plan, as a process', () => {
  it('prints the plan of the processor for the privacy flags given', async () => {
    const child = start(['plan', '--epsilon', '0.5', '--mechanism', 'laplace', '--clip', 'http.*=0:10', '--tokens', '50']);
    const { code } = await child.exit(15_000);
    assert.equal(code, 0, child.stderr());
    const config = { ...DEFAULT_DP_CONFIG, epsilon: 0.5, mechanism: 'laplace' as const, clip: [{ pattern: 'http.*', lower: 0, upper: 10 }] };
    assert.equal(child.stdout(), `${formatPlan(planPrivacy(withSpanMetricsClipDefaults(config), 50))}\n`);
    assert.match(child.stdout(), /^\| traces\.span\.metrics\.calls \| 0:100 \| /m);
    assert.match(child.stdout(), /^\| traces\.span\.metrics\.duration \| 0:15000 \| /m);
    assert.match(child.stdout(), /^laplace noise, ε=0\.5 δ=0\.000001 per window; 50 tokens per series$/m);
    assert.match(child.stdout(), /^\| metric \| clip \| counters: σ per window \|/m);
    assert.match(child.stdout(), /^\| http\.\* \| 0:10 \| /m);
  });

  it('takes the privacy variables and refuses bad values with exit status 2', async () => {
    const fromEnv = start(['plan'], { OTEL_DP_EPSILON: '2', OTEL_DP_TOKENS: '7' });
    assert.equal((await fromEnv.exit(15_000)).code, 0, fromEnv.stderr());
    assert.match(fromEnv.stdout(), /ε=2 .*; 7 tokens per series/);
    for (const [args, expected] of [
      [['plan', '--tokens', '0'], /--tokens is 0, must be at least 1/],
      [['plan', '--epsilon', '-1'], /--epsilon is -1, must be positive/],
      [['plan', '--otlp-endpoint', 'http://x'], /unknown flag --otlp-endpoint/],
    ] as Array<[string[], RegExp]>) {
      const child = start(args);
      assert.equal((await child.exit(15_000)).code, 2, args.join(' '));
      assert.match(child.stderr(), expected);
    }
  });
});
