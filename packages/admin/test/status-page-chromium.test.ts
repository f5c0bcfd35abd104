import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startAdmin } from './support/admin-fixture.js';
import { decodePng, type RgbaImage } from './support/png.js';
import { CHART_COLOURS } from '../src/status-page.js';

/** Debian's package `chromium`, which .ci/run installs. */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT_TIMEOUT_MILLIS = 60_000;
/** Per channel: anti-aliased edges blend the line into its background, the middle of a 3 px stroke does not. */
const COLOUR_TOLERANCE = 8;
const WINDOWS = 40;

type Rgb = [number, number, number];

function rgb(hex: string): Rgb {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

/** The pixels within `tolerance` of a colour, as [x, y]. */
function pixelsOf(image: RgbaImage, colour: Rgb, tolerance: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const at = (y * image.width + x) * 4;
      if (colour.every((value, k) => Math.abs((image.data[at + k] as number) - value) <= tolerance)) out.push([x, y]);
    }
  }
  return out;
}

function boundingBox(pixels: ReadonlyArray<[number, number]>): { left: number; right: number; top: number; bottom: number } {
  const box = { left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity };
  for (const [x, y] of pixels) {
    box.left = Math.min(box.left, x);
    box.right = Math.max(box.right, x);
    box.top = Math.min(box.top, y);
    box.bottom = Math.max(box.bottom, y);
  }
  return box;
}

/** Runs headless Chromium to screenshot `url`; kills its whole process group if it outlives the timeout. */
async function screenshot(url: string, dir: string): Promise<Buffer> {
  const file = join(dir, 'page.png');
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${join(dir, 'profile')}`,
    '--window-size=1200,900',
    `--screenshot=${file}`,
    url,
  ];
  const child = spawn(CHROMIUM, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-4000);
  });
  const timer = setTimeout(() => {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, SCREENSHOT_TIMEOUT_MILLIS);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  }).finally(() => clearTimeout(timer));
  assert.ok(code === 0, `chromium ended with ${signal ?? `code ${code}`} (timeout ${SCREENSHOT_TIMEOUT_MILLIS} ms):\n${stderr}`);
  return readFile(file);
}

describe('status page in Chromium', () => {
  it('draws the ε-per-window chart: its line colour fills the chart and appears nowhere else', async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y --no-install-recommends chromium), as .ci/run does`);
    const now = Date.now();
    const { admin, base } = await startAdmin({
      configInEffect: { epsilon: 1, window: '1m', 'exporter-header': 'authorization=Bearer 9f3kQ2x7Lm' },
      exporterHealth: () => [{ name: 'otlp', healthy: false, detail: 'HTTP 503, retrying' }],
    });
    const dir = await mkdtemp(join(tmpdir(), 'otel-dp-admin-chromium-'));
    try {
      admin.setReady(true);
      for (let i = 0; i < WINDOWS; i++) {
        admin.recordWindow({ windowEndMillis: now - (WINDOWS - i) * 60_000, epsilonSpent: 0.5 * (i + 1), windowEpsilon: 0.5 + (i % 5) * 0.1, released: 20 + (i % 7), suppressed: i % 4, withheld: false });
      }
      const image = decodePng(await screenshot(`${base}/`, dir));
      assert.equal(image.width, 1200);

      const area = pixelsOf(image, rgb(CHART_COLOURS.epsilonPerWindowBackground), 1);
      assert.ok(area.length > 50_000, `the chart's background is on screen (${area.length} pixels)`);
      const box = boundingBox(area);
      // The SVG is 760 × 220 CSS pixels, drawn at a device scale of 1.
      assert.ok(Math.abs(box.right - box.left + 1 - 760) <= 2 && Math.abs(box.bottom - box.top + 1 - 220) <= 2, `chart area ${JSON.stringify(box)}`);

      const line = pixelsOf(image, rgb(CHART_COLOURS.epsilonPerWindow), COLOUR_TOLERANCE);
      const inside = line.filter(([x, y]) => x >= box.left && x <= box.right && y >= box.top && y <= box.bottom);
      assert.equal(inside.length, line.length, `${line.length - inside.length} pixels of the line colour outside the chart`);
      assert.ok(inside.length > 1000, `the line is drawn (${inside.length} pixels)`);
      // 40 windows over the last 40 minutes of the hour: the line spans about two thirds of the plot.
      // (The legend's swatch, at the top, is left out.)
      const drawn = boundingBox(inside.filter(([, y]) => y > box.top + 20));
      const width = box.right - box.left;
      assert.ok(drawn.right - drawn.left > 0.5 * width, `the line spans ${drawn.right - drawn.left} of ${width} pixels`);
      assert.ok(drawn.left - box.left > 0.3 * width, 'the line starts a third of the way along, 40 minutes ago');
    } finally {
      await admin.shutdown();
      await rm(dir, { recursive: true, force: true });
    }
  });

  for (const windowMillis of [2_000, 60_000]) {
    it(`fits the chart's axis to 60 windows of ${windowMillis / 1000} s: a full history fills the plot`, async () => {
      const now = Date.now();
      const { admin, base } = await startAdmin({ configInEffect: { window: `${windowMillis / 1000}s` } }, { windowMillis });
      const dir = await mkdtemp(join(tmpdir(), 'otel-dp-admin-chromium-'));
      try {
        admin.setReady(true);
        for (let i = 0; i < 60; i++) {
          admin.recordWindow({ windowEndMillis: now - (60 - i) * windowMillis + 1, epsilonSpent: 0.5 * (i + 1), windowEpsilon: 0.5 + (i % 5) * 0.1, released: 20 + (i % 7), suppressed: i % 4, withheld: false });
        }
        const png = await screenshot(`${base}/`, dir);
        // Kept for a reader to look at: dist/test/screenshots/status-2s.png and status-60s.png.
        const kept = new URL(`./screenshots/status-${windowMillis / 1000}s.png`, import.meta.url);
        await mkdir(new URL('./screenshots/', import.meta.url), { recursive: true });
        await writeFile(kept, png);
        const image = decodePng(png);
        const box = boundingBox(pixelsOf(image, rgb(CHART_COLOURS.epsilonPerWindowBackground), 1));
        const line = pixelsOf(image, rgb(CHART_COLOURS.epsilonPerWindow), COLOUR_TOLERANCE).filter(([x, y]) => x >= box.left && x <= box.right && y > box.top + 20 && y <= box.bottom);
        const drawn = boundingBox(line);
        // The plot runs from x = 60 to 744 of the 760 px chart: 60 windows cover it from its left edge to the last window.
        assert.ok(drawn.left - box.left < 70, `the line starts at the plot's left edge (${drawn.left - box.left} px in)`);
        assert.ok(drawn.right - drawn.left > 0.85 * 684, `the line spans ${drawn.right - drawn.left} of 684 pixels`);
      } finally {
        await admin.shutdown();
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
