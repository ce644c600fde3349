/**
 * The backtest report in a real browser: Debian's chromium (installed by
 * scripts/services/chromium.sh if missing; never downloaded from elsewhere), driven headless by
 * playwright-core. The page must load offline without console errors, every chart (uPlot,
 * inlined) must have drawn every step, every trace's table must list every policy, a drag must
 * zoom a trace's charts together and the legend must show the step's demand, supply and reason.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide.js';
import { type BacktestReport, buildReport } from '../../src/report/backtest-json.js';
import { renderHtml } from '../../src/report/backtest-html.js';
import { ORACLE, backtest, resolvePolicies } from '../../src/sim/backtest.js';
import { baselineNames } from '../../src/sim/baselines.js';
import { defaultSimParams } from '../../src/sim/params.js';
import { resolveTrace } from '../../src/sim/trace-files.js';
import { launchChromium, openPage } from './chromium.js';

const dir = mkdtempSync(join(tmpdir(), 'tide-report-'));
const traces = ['azure_functions2019_sample500_http_1min', 'mooncake_conversation_3s'];
let browser: Browser;

interface ChartInfo {
  readonly trace: string;
  readonly policy: string | null;
  readonly points: number;
  readonly min: number;
  readonly max: number;
  readonly drawn: number;
  readonly width: number;
  readonly height: number;
  readonly required: number;
  readonly supply: number;
}
let report: BacktestReport;

beforeAll(async () => {
  // The report `tide backtest` writes, for two bundled traces and every policy.
  const params = defaultSimParams();
  const policies = resolvePolicies([ORACLE, ...baselineNames], params);
  const results = [];
  for (const name of traces) {
    results.push(backtest({ trace: await resolveTrace(name), params, policies, decide }));
  }
  report = buildReport({
    results: results.map((result) => ({ result, source: `traces/${result.trace.name}.csv` })),
    params,
    policies: policies.map((p) => p.name),
    generatedAt: '2024-01-02T00:00:00.000Z',
  });
  writeFileSync(join(dir, 'index.html'), renderHtml({ report, results }));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('the backtest report in Chromium', () => {
  it('loads offline with no console errors, draws every chart and lists every policy', async () => {
    const { page, errors, requests } = await openPage(
      browser,
      pathToFileURL(join(dir, 'index.html')).href,
    );
    await page.waitForFunction('document.body.dataset.charts !== undefined');
    expect(await page.evaluate('document.body.dataset.charts')).toBe('ready');
    expect(errors).toEqual([]);
    // Self-contained: the page itself is the only thing loaded.
    expect(requests.filter((u) => !u.endsWith('/index.html'))).toEqual([]);

    // In-page code is a string: the project compiles without the DOM library.
    const charts = await page.evaluate<ChartInfo[]>(`window.tideCharts.map((c) => {
      const box = c.element.querySelector('canvas').getBoundingClientRect();
      const filled = (i) => c.chart.data[i].filter((v) => v !== null && v !== undefined).length;
      return { trace: c.trace, policy: c.policy, points: c.chart.data[0].length,
               width: box.width, height: box.height, required: filled(1), supply: filled(c.chart.data.length - 1),
               min: c.chart.scales.x.min, max: c.chart.scales.x.max, drawn: c.element.querySelector('canvas').toDataURL().length };
    })`);
    const ran = report.traces.flatMap((t) =>
      t.results.filter((r) => r.ok).map((r) => `${t.name}/${r.policy}`),
    );
    const perPolicy = charts.filter((c) => c.policy !== null);
    expect(perPolicy.map((c) => `${c.trace}/${c.policy}`).sort()).toEqual(ran.sort());
    for (const c of charts) {
      const steps = report.traces.find((t) => t.name === c.trace)?.steps;
      // Every step, not buckets.
      expect(c.points, `${c.trace}/${c.policy}`).toBe(steps);
      expect(c.width).toBeGreaterThan(500);
      expect(c.height).toBeGreaterThan(50);
      expect(c.required, `${c.trace}/${c.policy} required`).toBe(steps);
      expect(c.supply, `${c.trace}/${c.policy} supply`).toBe(steps);
      // A blank canvas encodes to a short PNG; a drawn chart to a longer one.
      expect(c.drawn, `${c.trace}/${c.policy} drawn`).toBeGreaterThan(3000);
    }
    // The "every policy" chart of each trace opens on the 3 hours around the peak (or all of a
    // shorter trace).
    const all = charts.filter((c) => c.policy === null);
    expect(all.map((c) => c.trace)).toEqual(traces);
    for (const c of all) {
      const steps = report.traces.find((t) => t.name === c.trace)?.steps ?? 0;
      expect(c.max - c.min).toBeCloseTo((Math.min(720, steps - 1) * 15) / 3600, 6);
    }

    const firstCells = (selector: string): Promise<string[]> =>
      page.evaluate<string[]>(
        `[...document.querySelectorAll(${JSON.stringify(selector)})].map((th) => th.textContent)`,
      );
    for (const name of traces) {
      const rows = await firstCells(`section[id="${name}"] table.scores tr th:first-child`);
      expect(rows.slice(1)).toEqual(report.policies);
    }
    const summary = await firstCells('#summary table.scores:first-of-type tr th:first-child');
    expect(summary.slice(1)).toEqual(report.policies);
    await page.close();
  });

  it('zooms a trace’s charts together, resets, and shows the step’s demand, supply and reason', async () => {
    const { page, errors } = await openPage(browser, pathToFileURL(join(dir, 'index.html')).href);
    await page.waitForFunction('document.body.dataset.charts === "ready"');
    const trace = traces[0] as string;
    const selector = `section[id="${trace}"] div.uchart.policy[data-policy="hpa"]`;
    const chart = page.locator(selector);
    await chart.scrollIntoViewIfNeeded();
    const box = await chart.locator('.u-over').boundingBox();
    if (box === null) throw new Error('no plot area');
    const range = (policy: string): Promise<[number, number]> =>
      page.evaluate<
        [number, number]
      >(`(() => { const c = window.tideCharts.find((c) => c.trace === ${JSON.stringify(trace)} && c.policy === ${JSON.stringify(policy)});
        return [c.chart.scales.x.min, c.chart.scales.x.max]; })()`);
    const [min0, max0] = await range('hpa');
    // Drag across the middle fifth: the visible range shrinks to about a fifth.
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.4, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, y, { steps: 6 });
    await page.mouse.up();
    const [min1, max1] = await range('hpa');
    expect(min1).toBeGreaterThan(min0);
    expect(max1).toBeLessThan(max0);
    expect((max1 - min1) / (max0 - min0)).toBeCloseTo(0.2, 1);
    // The trace's other charts follow.
    expect(await range('tide')).toEqual([min1, max1]);

    // The legend shows the step under the cursor: time, required, demand, ready · reason.
    await page.mouse.move(box.x + box.width * 0.5, y);
    const legend = await chart.locator('.u-legend').innerText();
    expect(legend).toMatch(/day 1 \d\d:\d\d/);
    expect(legend).toMatch(/required:?\s*\d+/);
    expect(legend).toMatch(/demand at the SLO line:?\s*\d+\.\d\d/);
    expect(legend).toMatch(/hpa ready:?\s*\d+ · [A-Z][A-Za-z]+/);

    await page.locator(`section[id="${trace}"] button.reset`).click();
    const [min2, max2] = await range('hpa');
    const steps = report.traces.find((t) => t.name === trace)?.steps ?? 0;
    expect(min2).toBe(0);
    expect(max2).toBeCloseTo(((steps - 1) * 15) / 3600, 6);
    expect(errors).toEqual([]);
    await page.close();
  });
});
