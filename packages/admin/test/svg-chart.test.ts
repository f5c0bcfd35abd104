import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linearTicks, logTicks, renderLineChart } from '../src/svg-chart.js';

describe('axis ticks', () => {
  it('steps linear axes by 1, 2 or 5 times a power of ten up to the maximum', () => {
    assert.deepEqual(linearTicks(9), [0, 2, 4, 6, 8, 10]);
    assert.deepEqual(linearTicks(450_000), [0, 100_000, 200_000, 300_000, 400_000, 500_000]);
    assert.deepEqual(linearTicks(0.3), [0, 0.1, 0.2, 0.3]);
    assert.deepEqual(linearTicks(0), [0, 1]);
  });

  it('covers a logarithmic range with whole powers of ten', () => {
    assert.deepEqual(logTicks(1000, 1_000_000), [1e3, 1e4, 1e5, 1e6]);
    assert.deepEqual(logTicks(1500, 2000), [1e3, 1e4]);
  });
});

describe('renderLineChart', () => {
  const chart = {
    title: 'Throughput <by> tokens & series',
    xLabel: 'tokens',
    yLabel: 'points/s',
    xLog: true,
    series: [
      { label: '1 series', points: [{ x: 1000, y: 500_000 }, { x: 100_000, y: 400_000 }, { x: 1_000_000, y: 300_000 }] },
      { label: '10 series', points: [{ x: 1000, y: 450_000 }, { x: 100_000, y: 350_000 }] },
    ],
    reference: { y: 150, label: 'target' },
  };

  it('draws one line per series through its points, and a legend entry each', () => {
    const svg = renderLineChart(chart);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(svg.trimEnd().endsWith('</svg>'));
    const lines = [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((m) => m[1].split(' ').length);
    assert.deepEqual(lines, [3, 2]);
    assert.equal([...svg.matchAll(/<circle /g)].length, 5);
    assert.ok(svg.includes('>1 series</text>') && svg.includes('>10 series</text>'));
  });

  it('places larger x further right on a log axis, larger y higher up', () => {
    const svg = renderLineChart(chart);
    const first = [...svg.matchAll(/<polyline points="([^"]+)"/g)][0][1].split(' ').map((p) => p.split(',').map(Number));
    assert.ok(first[0][0] < first[1][0] && first[1][0] < first[2][0]);
    assert.ok(first[0][1] < first[1][1] && first[1][1] < first[2][1], 'falling values go down the page');
  });

  it('escapes text and refuses what it cannot draw', () => {
    assert.ok(renderLineChart(chart).includes('Throughput &lt;by&gt; tokens &amp; series'));
    assert.throws(() => renderLineChart({ ...chart, series: [{ label: 'zero', points: [{ x: 0, y: 1 }] }] }), /x ≤ 0/);
    assert.throws(() => renderLineChart({ ...chart, series: [{ label: 'none', points: [{ x: 1, y: NaN }] }] }), /no finite point/);
  });
});
