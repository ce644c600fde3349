/**
 * The dashboard (`/` of `tide run --metrics-address`) in a real browser: Debian's chromium
 * (scripts/services/chromium.sh), headless through playwright-core. A server holds a board fed by
 * the engine for an hour of ticks — one scaler in mode on, one in mode forecastOnly — and the page
 * must load with no console errors, no request but itself and its event stream, and a drawn line
 * per series. Then the load changes while the page is open: ticks recorded into the board must
 * redraw the chart, the counts and the proxy's rate and latency without a reload.
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
  readonly reasons: number;
}

describe('the dashboard in Chromium', () => {
  it('shows every scaler with its counts, a drawn line per series and its reasons', async () => {
    const { page, errors, requests } = await openPage(browser, url);
    expect(errors).toEqual([]);
    expect(requests.filter((u) => u !== url && u !== `${url}api/events`)).toEqual([]);
    // In-page code is a string: the project compiles without the DOM library.
    const cards = await page.evaluate<
      Card[]
    >(`[...document.querySelectorAll('section.scaler')].map((s) => ({
      name: s.dataset.scaler,
      desired: s.querySelector('b.desired').textContent,
      predicted: s.querySelector('b.predicted').textContent,
      lines: Object.fromEntries([...s.querySelectorAll('path.series')].map((p) =>
        [p.classList[1], p.getTotalLength()])),
      reasons: s.querySelectorAll('ol.reasons li').length,
    }))`);
    expect(cards.map((c) => c.name)).toEqual(['checkout', 'search']);
    const views = board.views();
    for (const [i, c] of cards.entries()) {
      const view = views[i]!;
      expect(view.history).toHaveLength(HISTORY_TICKS);
      expect(c.desired).toBe(String(view.desiredReplicas));
      expect(c.predicted).toBe(String(view.predictedReplicas ?? '—'));
      expect(c.lines.current).toBeGreaterThan(500);
      expect(c.lines.desired).toBeGreaterThan(500);
      expect(c.reasons).toBe(view.reasons.length);
    }
    // After 90 minutes on a steady wave the planner is confident in both modes: `search` never
    // acts (forecastOnly), yet shows what it would have asked for.
    expect(cards[0]!.lines.predicted).toBeGreaterThan(100);
    expect(cards[1]!.lines.predicted).toBeGreaterThan(100);
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
        line: s.querySelector('svg.replicas path.series.desired').getAttribute('d'),
        traffic: s.querySelector('svg.traffic path.series.req-s')?.getAttribute('d') ?? null,
      };
    })()`;
    const before = await page.evaluate<Snapshot>(read);
    expect(before.rps).toBeNull();
    // The load triples, as Tide's proxy measures it: the next ticks scale up and say so.
    await page.evaluate(`window.__marker = 1`);
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
    expect(after.traffic).toMatch(/^M/);
    expect(
      await page.evaluate<number>(
        `document.querySelectorAll('section[data-scaler="checkout"] svg.latency path.series').length`,
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
