/**
 * `tide tune`'s report in a real browser (Debian's Chromium through playwright-core, as the
 * backtest report): one self-contained page whose frontier chart (uPlot, inlined) shows a point
 * per spec tried and per hpa variant, the chosen spec highlighted, zooms on a drag, and names a
 * point's settings when hovered; no console errors.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide.js';
import { renderTuneHtml } from '../../src/report/tune-html.js';
import { defaultSimParams } from '../../src/sim/params.js';
import { resolveTrace } from '../../src/sim/trace-files.js';
import { type TuneResult, tune } from '../../src/tune/tune.js';
import { launchChromium, openPage } from './chromium.js';

const dir = mkdtempSync(join(tmpdir(), 'tide-tune-'));
let browser: Browser;
let result: TuneResult;

beforeAll(async () => {
  result = await tune({
    trace: await resolveTrace('azure_functions2019_sample500_http_1min'),
    params: defaultSimParams(),
    slo: { kind: 'maxShortPercent', percent: 4 },
    holdout: 0.3,
    budget: 6,
    seed: 1,
    jobs: 1,
    decide,
  });
  writeFileSync(join(dir, 'index.html'), renderTuneHtml(result, 'traces/azure.csv'));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

interface Frontier {
  readonly points: number;
  readonly tide: number;
  readonly hpa: number;
  readonly chosen: number;
  readonly width: number;
  readonly min: number;
  readonly max: number;
}

const frontier = `(() => { const u = window.tideCharts.frontier;
  const count = (i) => u.data[i].filter((v) => v !== null).length;
  return { points: u.data[0].length, tide: count(1), hpa: count(2), chosen: count(3),
    width: u.root.querySelector('canvas').getBoundingClientRect().width, min: u.scales.x.min, max: u.scales.x.max }; })()`;

describe('the tune report in Chromium', () => {
  it('draws the frontier: every spec tried, hpa’s variants, the choice highlighted; zooms; names a point', async () => {
    const { page, errors, requests } = await openPage(
      browser,
      pathToFileURL(join(dir, 'index.html')).href,
    );
    await page.waitForFunction('window.tideCharts !== undefined');
    expect(requests.filter((u) => !u.endsWith('/index.html'))).toEqual([]);
    const f = await page.evaluate<Frontier>(frontier);
    const scored = result.tried.filter((t) => t.figures !== null).length;
    expect(f.points).toBe(scored + result.hpa.length);
    expect(f.tide).toBe(scored - 1);
    expect(f.hpa).toBe(result.hpa.length);
    expect(f.chosen).toBe(1);
    expect(f.width).toBeGreaterThan(500);
    expect(await page.locator('tr.chosen').count()).toBe(1);
    expect(await page.locator('pre.spec').innerText()).toContain('triggers:');

    // Hover the chosen point: its settings and both parts' figures appear below the chart.
    const point = await page.evaluate<{ left: number; top: number }>(`(() => {
      const u = window.tideCharts.frontier; const i = u.data[3].findIndex((v) => v !== null);
      return { left: u.valToPos(u.data[0][i], 'x'), top: u.valToPos(u.data[3][i], 'y') }; })()`);
    const over = await page.locator('#frontier .u-over').boundingBox();
    if (over === null) throw new Error('no plot area');
    await page.mouse.move(over.x + point.left, over.y + point.top);
    const detail = page.locator('#frontier-point');
    expect(await detail.getAttribute('data-kind')).toBe('chosen');
    expect(await detail.innerText()).toMatch(
      /— chosen\. Tuning part: τU \d+\.\d\d %, .* Holdout: τU \d+\.\d\d %.*triggers\.0\.target\.value: \d+/,
    );

    // A drag zooms in; the button shows everything again.
    await page.mouse.move(over.x + over.width * 0.1, over.y + over.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(over.x + over.width * 0.5, over.y + over.height * 0.8, { steps: 6 });
    await page.mouse.up();
    const zoomed = await page.evaluate<Frontier>(frontier);
    expect(zoomed.max - zoomed.min).toBeLessThan((f.max - f.min) * 0.6);
    await page.locator('#frontier-reset').click();
    const reset = await page.evaluate<Frontier>(frontier);
    expect(reset.max - reset.min).toBeGreaterThanOrEqual((f.max - f.min) * 0.9);
    expect(errors).toEqual([]);
    await page.close();
  });
});
