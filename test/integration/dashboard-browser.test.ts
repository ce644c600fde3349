/**
 * The dashboard (`/` of `tide run --metrics-address`) in a real browser: Debian's chromium
 * (scripts/services/chromium.sh), headless through playwright-core. A server holds a board fed by
 * the engine for an hour of ticks — one scaler in mode on, one in mode forecastOnly — and the page
 * must load with no console errors, no request but itself, uPlot from its own server and its
 * event stream, and a uPlot chart per scaler with every tick; hovering shows a tick's values and
 * reason, a drag zooms. Then the load changes while the page is open: ticks recorded into the
 * board must update the chart in place, the counts and the proxy's rate and latency without a
 * reload.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide.js';
import { initialState, type ScalerState } from '../../src/core/model.js';
import { scalerSpecSchema } from '../../src/core/spec.js';
import { HISTORY_TICKS, ScalerBoard } from '../../src/server/dashboard.js';
import { TideServer } from '../../src/server/http.js';
import { TideMetrics } from '../../src/server/metrics.js';
import { launchChromium, openPage } from './chromium.js';

const root = join(import.meta.dirname, '../..');
const t0 = Date.UTC(2024, 0, 1);
const board = new ScalerBoard();
const server = new TideServer({ metrics: new TideMetrics(), notReady: () => null, board });
let url = '';
let browser: Browser;
let checkoutState: ScalerState = initialState();

/** An hour and a half of 15 s ticks of a slow wave; the target follows each decision. */
function feed(name: string, mode: 'on' | 'forecastOnly'): void {
  const spec = scalerSpecSchema.parse({
    maxReplicas: 50,
    triggers: [{ name: 'rps', type: 'prometheus', target: { type: 'AverageValue', value: 70 } }],
    prediction: { mode },
  });
  let state: ScalerState = initialState();
  let current = 9;
  for (let i = 0; i < 360; i++) {
    const now = t0 + i * 15_000;
    const total = 600 + 150 * Math.sin(i / 40) + 5 * Math.sin(i);
    const metrics = { rps: { status: 'ok', timestamp: now, valuesMilli: [total * 1000] } as const };
    const decision = decide(spec, { currentReplicas: current, pods: [], metrics }, state, now);
    board.record({ scaler: name, decision, currentReplicas: current, now });
    state = decision.state;
    current = decision.desiredReplicas;
  }
  if (name === 'checkout') checkoutState = state;
}

beforeAll(async () => {
  feed('checkout', 'on');
  feed('search', 'forecastOnly');
  const bound = await server.start({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${bound.port}/`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server.close();
});

interface Card {
  readonly name: string;
  readonly desired: string;
  readonly predicted: string;
  readonly lines: Record<string, number>;
  readonly canvas: number;
  readonly reasons: number;
}

describe('the dashboard in Chromium', () => {
  it('shows every scaler with its counts, a drawn line per series and its reasons', async () => {
    const { page, errors, requests } = await openPage(browser, url);
    expect(errors).toEqual([]);
    // uPlot comes from the dashboard's own server.
    expect(
      requests.filter(
        (u) =>
          ![
            url,
            `${url}api/events`,
            `${url}assets/uplot.min.js`,
            `${url}assets/uplot.min.css`,
          ].includes(u),
      ),
    ).toEqual([]);
    await page.waitForFunction('window.tideDashboard !== undefined');
    // In-page code is a string: the project compiles without the DOM library.
    const cards = await page.evaluate<
      Card[]
    >(`[...document.querySelectorAll('section.scaler')].map((s) => ({
      name: s.dataset.scaler,
      desired: s.querySelector('b.desired').textContent,
      predicted: s.querySelector('b.predicted').textContent,
      lines: (() => {
        const u = window.tideDashboard.charts[s.dataset.scaler].charts.replicas;
        // Ticks with a value, per series (uPlot draws a line through them).
        return Object.fromEntries(u.series.slice(1).map((x, i) =>
          [x.label, u.data[i + 1].filter((v) => v !== null).length]));
      })(),
      canvas: s.querySelector('div.uchart.replicas canvas').getBoundingClientRect().width,
      reasons: s.querySelectorAll('ol.reasons li').length,
    }))`);
    expect(cards.map((c) => c.name)).toEqual(['checkout', 'search']);
    const views = board.views();
    for (const [i, c] of cards.entries()) {
      const view = views[i]!;
      expect(view.history).toHaveLength(HISTORY_TICKS);
      expect(c.desired).toBe(String(view.desiredReplicas));
      expect(c.predicted).toBe(String(view.predictedReplicas ?? '—'));
      expect(c.lines.current).toBe(HISTORY_TICKS);
      expect(c.lines.desired).toBe(HISTORY_TICKS);
      expect(c.canvas).toBeGreaterThan(300);
      expect(c.reasons).toBe(view.reasons.length);
    }
    // After 90 minutes on a steady wave the planner is confident in both modes: `search` never
    // acts (forecastOnly), yet shows what it would have asked for.
    expect(cards[0]!.lines.predicted).toBeGreaterThan(20);
    expect(cards[1]!.lines.predicted).toBeGreaterThan(20);

    // Hovering a tick shows its values in the legend and its reason below the chart; a drag
    // zooms in.
    const chart = page.locator('section[data-scaler="checkout"] div.uchart.replicas');
    const box = await chart.locator('.u-over').boundingBox();
    if (box === null) throw new Error('no plot area');
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    expect(await chart.locator('.u-legend').innerText()).toMatch(
      /desired:?\s*\d+ · [A-Z][A-Za-z]+/,
    );
    expect(await page.locator('section[data-scaler="checkout"] p.tick-reason').innerText()).toMatch(
      /^\d\d:\d\d:\d\d UTC: desired \d+, current \d+ — [A-Z][A-Za-z]+: ./,
    );
    const span = `(() => { const x = window.tideDashboard.charts.checkout.charts.replicas.scales.x; return x.max - x.min; })()`;
    const before = await page.evaluate<number>(span);
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 6 });
    await page.mouse.up();
    expect(await page.evaluate<number>(span)).toBeCloseTo(before * 0.4, -1);
    expect(errors).toEqual([]);
    await page.screenshot({ path: join(root, '.cache', 'dashboard.png'), fullPage: false });
    await page.close();
  });

  it('redraws the chart and the counts from the event stream when the load changes', async () => {
    const { page, errors } = await openPage(browser, url);
    await page.waitForFunction(
      `document.querySelector('[data-live]').textContent !== 'connecting'`,
    );
    const read = `(() => {
      const s = document.querySelector('section[data-scaler="checkout"]');
      return {
        desired: s.querySelector('b.desired').textContent,
        rps: s.querySelector('b.rps')?.textContent ?? null,
        latency: s.querySelector('b.latency')?.textContent ?? null,
        line: JSON.stringify(window.tideDashboard.charts.checkout.charts.replicas.data[2]),
        traffic: (() => { const t = window.tideDashboard.charts.checkout.charts.traffic; return t ? JSON.stringify(t.data[1]) : null; })(),
      };
    })()`;
    const before = await page.evaluate<Snapshot>(read);
    expect(before.rps).toBeNull();
    // The load triples, as Tide's proxy measures it: the next ticks scale up and say so.
    await page.evaluate(
      `window.__marker = 1; window.__chart = window.tideDashboard.charts.checkout.charts.replicas`,
    );
    const spec = scalerSpecSchema.parse({
      maxReplicas: 50,
      triggers: [{ name: 'rps', type: 'prometheus', target: { type: 'AverageValue', value: 70 } }],
      prediction: { mode: 'on' },
    });
    const last = board.views().find((v) => v.name === 'checkout')!;
    let state = checkoutState;
    let current = last.currentReplicas;
    for (let i = 1; i <= 5; i++) {
      const now = last.time + i * 15_000;
      const total = 1800 + 10 * i;
      const metrics = {
        rps: { status: 'ok', timestamp: now, valuesMilli: [total * 1000] } as const,
      };
      const decision = decide(spec, { currentReplicas: current, pods: [], metrics }, state, now);
      const traffic = { rps: total, latencyMs: 40 + i };
      board.record({ scaler: 'checkout', decision, currentReplicas: current, now, traffic });
      state = decision.state;
      current = decision.desiredReplicas;
    }
    const expected = board.views().find((v) => v.name === 'checkout')!;
    await page.waitForFunction(
      `document.querySelector('section[data-scaler="checkout"] b.latency')?.textContent === '45.0'`,
    );
    const after = await page.evaluate<Snapshot>(read);
    expect(after.desired).toBe(String(expected.desiredReplicas));
    expect(Number(after.desired)).toBeGreaterThan(Number(before.desired));
    expect(after.line).not.toBe(before.line);
    expect(after.rps).toBe('1850.0');
    // The traffic chart appeared with the proxy's figures: the rate and latency of the last ticks.
    expect((JSON.parse(after.traffic ?? '[]') as number[]).slice(-1)).toEqual([1850]);
    expect(
      await page.evaluate<number[]>(
        `window.tideDashboard.charts.checkout.charts.traffic.data[2].slice(-2)`,
      ),
    ).toEqual([44, 45]);
    // The replicas chart is the same uPlot, given the new ticks in place.
    expect(
      await page.evaluate<number>(
        `window.__chart === window.tideDashboard.charts.checkout.charts.replicas ? 1 : 0`,
      ),
    ).toBe(1);
    // No reload: what the page held before the ticks is still there.
    expect(await page.evaluate<number>(`window.__marker`)).toBe(1);
    expect(errors).toEqual([]);
    await page.screenshot({ path: join(root, '.cache', 'dashboard-live.png'), fullPage: false });
    await page.close();
  });
});

interface Snapshot {
  readonly desired: string;
  readonly rps: string | null;
  readonly latency: string | null;
  readonly line: string;
  readonly traffic: string | null;
}
