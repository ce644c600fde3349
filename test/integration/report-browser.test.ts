/**
 * The backtest report in a real browser: Debian's chromium (installed by
 * scripts/services/chromium.sh if missing; never downloaded from elsewhere), driven headless by
 * playwright-core. The page must load offline without console errors, every chart must have
 * drawn data, and every trace's table must list every policy.
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
  readonly policy: string;
  readonly points: number;
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
    expect(errors).toEqual([]);
    // Self-contained: the page itself is the only thing loaded.
    expect(requests.filter((u) => !u.endsWith('/index.html'))).toEqual([]);

    // In-page code is a string: the project compiles without the DOM library.
    const charts = await page.evaluate<
      ChartInfo[]
    >(`[...document.querySelectorAll('svg.chart')].map((svg) => {
      const box = svg.getBoundingClientRect();
      const length = (sel) => { const p = svg.querySelector(sel); return p === null ? 0 : p.getTotalLength(); };
      return { trace: svg.dataset.trace, policy: svg.dataset.policy, points: Number(svg.dataset.points),
               width: box.width, height: box.height, required: length('path.required'), supply: length('path.supply') };
    })`);
    const ran = report.traces.flatMap((t) =>
      t.results.filter((r) => r.ok).map((r) => `${t.name}/${r.policy}`),
    );
    expect(charts.map((c) => `${c.trace}/${c.policy}`).sort()).toEqual(ran.sort());
    for (const c of charts) {
      expect(c.points, `${c.trace}/${c.policy}`).toBeGreaterThan(100);
      expect(c.width).toBeGreaterThan(500);
      expect(c.height).toBeGreaterThan(50);
      expect(c.required, `${c.trace}/${c.policy} required`).toBeGreaterThan(100);
      expect(c.supply, `${c.trace}/${c.policy} supply`).toBeGreaterThan(100);
    }

    // One "around the peak" chart per trace with a line per policy that ran.
    const peaks = await page.evaluate<{ trace: string; lines: number[] }[]>(
      `[...document.querySelectorAll('svg.peak-chart')].map((svg) => ({ trace: svg.dataset.trace,
        lines: [...svg.querySelectorAll('path.policy')].map((p) => p.getTotalLength()) }))`,
    );
    expect(peaks.map((p) => p.trace)).toEqual(traces);
    for (const p of peaks) {
      const okCount = report.traces
        .find((t) => t.name === p.trace)
        ?.results.filter((r) => r.ok).length;
      expect(p.lines).toHaveLength(okCount ?? -1);
      for (const length of p.lines) expect(length).toBeGreaterThan(100);
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
    await page.screenshot({ path: join(dir, 'report.png'), fullPage: false });
    await page.close();
  });
});
