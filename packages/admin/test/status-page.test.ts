import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HIDDEN_VALUE, STATUS_HISTORY_MILLIS, type WindowEvent } from '../src/index.js';
import { startAdmin } from './support/admin-fixture.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const WINDOW_MILLIS = 60_000;

function windowEnding(end: number, index: number): WindowEvent {
  return { windowEndMillis: end, epsilonSpent: 0.5 * (index + 1), windowEpsilon: 0.25 + (index % 3) * 0.25, released: 10 + index, suppressed: index % 4, withheld: false };
}

/** The `points` of each polyline of the chart with this id, as [x, y] pairs. */
function chartLines(html: string, id: string): Array<Array<[number, number]>> {
  const svg = new RegExp(`<svg id="${id}"[\\s\\S]*?</svg>`).exec(html);
  assert.ok(svg !== null, `chart ${id} is on the page`);
  return [...svg[0].matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((match) =>
    (match[1] as string) === '' ? [] : (match[1] as string).split(' ').map((pair) => pair.split(',').map(Number) as [number, number]),
  );
}

async function page(base: string): Promise<{ html: string; headers: Headers }> {
  const res = await fetch(`${base}/`);
  assert.equal(res.status, 200);
  return { html: await res.text(), headers: res.headers };
}

describe('status page', () => {
  it('shows the configuration in effect, hiding secrets and escaping HTML', async () => {
    const configInEffect = {
      epsilon: 1,
      window: '1m',
      'token-attribute': 'api.token',
      'exporter-header': 'authorization=Bearer abc',
      'exporter-endpoint': 'https://collector.example:4318/v1/metrics',
      clip: ['http.*=0:100', 'db.*=0:10'],
      note: '<script>alert(1)</script>',
    };
    const { admin, base } = await startAdmin({ configInEffect });
    try {
      const { html, headers } = await page(base);
      assert.equal(headers.get('content-type'), 'text/html; charset=utf-8');
      assert.match(headers.get('content-security-policy') ?? '', /default-src 'none'/);
      assert.match(html, /<meta http-equiv="refresh" content="10">/);
      const table = /<table id="config">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
      assert.ok(table.includes('<tr><th>epsilon</th><td>1</td></tr>'));
      assert.ok(table.includes('<tr><th>token-attribute</th><td>api.token</td></tr>'));
      assert.ok(table.includes(`<tr><th>exporter-header</th><td>${HIDDEN_VALUE}</td></tr>`));
      assert.ok(table.includes('<tr><th>exporter-endpoint</th><td>https://collector.example:4318/v1/metrics</td></tr>'));
      assert.ok(table.includes('<tr><th>clip</th><td>http.*=0:100, db.*=0:10</td></tr>'));
      assert.ok(table.includes('<tr><th>note</th><td>&lt;script&gt;alert(1)&lt;/script&gt;</td></tr>'));
      assert.ok(!html.includes('Bearer abc'));
      assert.ok(!/<script/i.test(html), 'the page carries no script');
    } finally {
      await admin.shutdown();
    }
  });

  it('charts one point per window of the last hour, higher ε drawn higher', async () => {
    const { admin, base, logger } = await startAdmin({ now: () => NOW });
    try {
      // Two windows older than the hour, then 30 inside it, one minute apart.
      admin.recordWindow(windowEnding(NOW - STATUS_HISTORY_MILLIS - 2 * WINDOW_MILLIS, 0));
      admin.recordWindow(windowEnding(NOW - STATUS_HISTORY_MILLIS - WINDOW_MILLIS, 0));
      const inside: WindowEvent[] = [];
      for (let i = 0; i < 30; i++) inside.push(windowEnding(NOW - (30 - i) * WINDOW_MILLIS, i));
      for (const event of inside) admin.recordWindow(event);
      admin.recordWindow({ ...windowEnding(NOW, 0), released: Number.NaN });

      assert.match(logger.text(), /window event left out of the status page, released is NaN/);

      const { html } = await page(base);
      const [perWindow] = chartLines(html, 'epsilon-per-window');
      assert.equal(perWindow?.length, 30);
      const xs = perWindow.map(([x]) => x);
      assert.deepEqual(xs, [...xs].sort((a, b) => a - b), 'x grows with time');
      // The plot spans x = 60 to 744 for the hour: the first window, 30 min ago, sits half-way.
      assert.ok(Math.abs((xs[0] as number) - 402) <= 0.1, `first x ${xs[0]}`);
      assert.ok(Math.abs((xs[29] as number) - (744 - 684 / 60)) <= 0.1, `last x ${xs[29]}`);
      for (let i = 1; i < inside.length; i++) {
        const before = inside[i - 1] as WindowEvent;
        const after = inside[i] as WindowEvent;
        const order = Math.sign(after.windowEpsilon - before.windowEpsilon);
        assert.equal(Math.sign((perWindow[i - 1] as [number, number])[1] - (perWindow[i] as [number, number])[1]), order, `window ${i}`);
      }
      const [horizon] = chartLines(html, 'epsilon-horizon');
      assert.equal(horizon?.length, 30);
      const series = chartLines(html, 'series-per-window');
      assert.deepEqual(series.map((line) => line.length), [30, 30], 'released and suppressed');
      assert.match(html, /30 windows closed in the last hour: 30 released, 30 sent to the exporters\. Latest: ε 0\.75, 39 series released, 1 suppressed; horizon ε 15 spent, no cap set\./);
    } finally {
      await admin.shutdown();
    }
  });

  it('says per metric how many series wait for partition selection and what selection needs, escaping metric names', async () => {
    const { admin, base } = await startAdmin({ now: () => NOW });
    try {
      assert.match((await page(base)).html, /<p id="waiting">No series waiting for partition selection in the latest window\.<\/p>/);
      const waiting = [
        { metric: 'http.server.requests', series: 6 },
        { metric: '<b>odd</b>', series: 1 },
      ];
      admin.recordWindow({ ...windowEnding(NOW - 1000, 0), waiting, selection: { threshold: 112.73, stdDev: 20.88 } });
      const { html } = await page(base);
      assert.match(html, /per metric: http\.server\.requests: 6, &lt;b&gt;odd&lt;\/b&gt;: 1\. A new series is released once its distinct tokens in one window, plus noise \(σ 20\.88\), reach 112\.7/);
      admin.recordWindow({ ...windowEnding(NOW - 500, 1), waiting });
      assert.match((await page(base)).html, /Undeclared series are never released \(undeclaredSeries drop\)/);
    } finally {
      await admin.shutdown();
    }
  });

  it('fits the charts to 60 windows of 2 s, labelled in seconds, so short windows fill the axis', async () => {
    const { admin, base } = await startAdmin({ now: () => NOW }, { windowMillis: 2_000 });
    try {
      for (let i = 0; i < 30; i++) admin.recordWindow(windowEnding(NOW - (30 - i) * 2_000, i));
      const { html } = await page(base);
      assert.match(html, /30 windows closed in the last 120 s: 30 released/);
      assert.match(html, />-120 s</);
      assert.match(html, />-60 s</);
      const [perWindow] = chartLines(html, 'epsilon-per-window');
      // 30 windows of the 60 the axis spans: the first one, 60 s ago, sits half-way along the plot (x 60 to 744).
      assert.ok(Math.abs((perWindow?.[0]?.[0] as number) - 402) <= 0.1, `first x ${perWindow?.[0]?.[0]}`);
    } finally {
      await admin.shutdown();
    }
  });

  it('keeps no more windows than its capacity', async () => {
    const { admin, base } = await startAdmin({ now: () => NOW }, { windowHistoryCapacity: 10 });
    try {
      for (let i = 0; i < 50; i++) admin.recordWindow(windowEnding(NOW - (50 - i) * 1000, i));
      const [perWindow] = chartLines((await page(base)).html, 'epsilon-per-window');
      assert.equal(perWindow?.length, 10);
    } finally {
      await admin.shutdown();
    }
  });

  it('says when no window closed, and counts withheld windows and the remaining budget', async () => {
    const { admin, base } = await startAdmin({ now: () => NOW });
    try {
      assert.match((await page(base)).html, /No window has closed in the last hour\./);
      admin.recordWindow({ ...windowEnding(NOW - 2000, 0), epsilonRemaining: 4 });
      admin.recordWindow({ ...windowEnding(NOW - 1000, 1), windowEpsilon: 0, withheld: true, epsilonRemaining: 0 });
      assert.match((await page(base)).html, /2 windows closed in the last hour: 1 released, 1 sent to the exporters; 1 withheld by the budget cap \(nothing spent, nothing sent\)\. .* 0 remaining\./);
      admin.recordWindow({ ...windowEnding(NOW - 500, 2), released: 0, suppressed: 0 });
      assert.match((await page(base)).html, /3 windows closed in the last hour: 2 released, 1 sent to the exporters \(1 empty: they spend their ε but are not sent\); 1 withheld/);
    } finally {
      await admin.shutdown();
    }
  });

  it('shows exporter health, and says so when it cannot be read', async () => {
    let health = (): Array<{ name: string; healthy: boolean; detail: string }> => [
      { name: 'otlp', healthy: true, detail: 'last batch sent 2 s ago' },
      { name: 'prometheus-remote-write', healthy: false, detail: 'HTTP 503 <retrying>' },
    ];
    const { admin, base, logger } = await startAdmin({ exporterHealth: () => health() });
    try {
      const table = /<table id="exporters">([\s\S]*?)<\/table>/.exec((await page(base)).html)?.[1] ?? '';
      assert.ok(table.includes('<tr><td>otlp</td><td><span class="ok">healthy</span></td><td>last batch sent 2 s ago</td></tr>'));
      assert.ok(table.includes('<tr><td>prometheus-remote-write</td><td><span class="failing">failing</span></td><td>HTTP 503 &lt;retrying&gt;</td></tr>'));
      health = () => {
        throw new Error('queue gone');
      };
      assert.match((await page(base)).html, /Exporter health could not be read\./);
      assert.match(logger.text(), /exporter health could not be read/);
    } finally {
      await admin.shutdown();
    }
  });
});
