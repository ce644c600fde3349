/**
 * The dashboard: what each scaler decided lately, in one page (`/`: its own inline script, uPlot
 * from this server's `/assets/`, no other request but its event stream) and as JSON
 * (`/api/scalers`).
 * The board keeps each scaler's last decision and the counts of its last `HISTORY_TICKS` ticks:
 * desired, current and predicted replicas (predicted: what prediction asked for, or in mode
 * forecastOnly would have asked for, so a forecastOnly scaler shows what turning prediction on
 * would change), the reactive proposal (the highest trigger's), and for a scaler behind Tide's
 * proxy its request rate and mean latency.
 *
 * The page updates live: `/api/events` (http.ts) sends each recorded tick's view, and the page's
 * script re-renders that scaler's card with the very functions the server renders it with
 * (`card` and what it calls are self-contained, and the page embeds their source), so the first
 * paint and every update look the same, and updates its uPlot charts (`dashboard-charts.ts`)
 * in place: a zoomed chart keeps its zoom, the legend shows the tick under the cursor and the
 * line below the chart that tick's reason.
 *
 * @module
 */
import type { Condition, Decision, Reason, TriggerOutcome } from '../core/model.js';
import { decidingReason } from '../sim/observe.js';
import { dashboardCharts } from './dashboard-charts.js';

/** Where the dashboard's server serves uPlot (http.ts): no CDN. */
export const UPLOT_JS_PATH = '/assets/uplot.min.js';
export const UPLOT_CSS_PATH = '/assets/uplot.min.css';

const reasonText = (r: { code: string; message: string } | null): string | null =>
  r === null ? null : `${r.code}: ${r.message}`;

/** About an hour at the default 15 s sync period. */
export const HISTORY_TICKS = 240;

export interface TickPoint {
  /** Epoch ms. */
  readonly time: number;
  readonly desired: number;
  readonly current: number;
  readonly predicted: number | null;
  /** The highest trigger proposal (before prediction and the steps); null when none proposed. */
  readonly reactive: number | null;
  /** Requests per second Tide's proxy received since the previous tick; null without a proxy. */
  readonly rps: number | null;
  /** Mean latency in ms of the requests the proxy answered since the previous tick. */
  readonly latencyMs: number | null;
  /** The reason that set the count, `Code: message` (the chart's tooltip); null without one. */
  readonly reason: string | null;
}

/** What Tide's proxy measured since the previous tick. */
export interface Traffic {
  readonly rps: number;
  /** Null when no request was answered. */
  readonly latencyMs: number | null;
}

export interface ScalerView {
  readonly name: string;
  readonly time: number;
  readonly desiredReplicas: number;
  readonly currentReplicas: number;
  readonly predictedReplicas: number | null;
  readonly valid: boolean;
  readonly conditions: readonly Condition[];
  readonly triggers: readonly TriggerOutcome[];
  readonly reasons: readonly Reason[];
  readonly history: readonly TickPoint[];
}

export class ScalerBoard {
  readonly #views = new Map<string, ScalerView>();
  readonly #listeners = new Set<(view: ScalerView) => void>();

  /** A scaler that is gone (its ElasticScaler was deleted). */
  forget(scaler: string): void {
    this.#views.delete(scaler);
  }

  /** Calls `listener` with each view recorded from now on; returns the unsubscribe. */
  subscribe(listener: (view: ScalerView) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Records one tick of a scaler (the runtime's onTick). */
  record(tick: {
    readonly scaler: string;
    readonly decision: Decision;
    readonly currentReplicas: number;
    readonly now: number;
    readonly traffic?: Traffic | undefined;
  }): void {
    const { decision } = tick;
    const proposals = decision.triggers.flatMap((t) => (t.replicas === null ? [] : [t.replicas]));
    const point: TickPoint = {
      time: tick.now,
      desired: decision.desiredReplicas,
      current: tick.currentReplicas,
      predicted: decision.predictedReplicas ?? null,
      reactive: proposals.length === 0 ? null : Math.max(...proposals),
      rps: tick.traffic?.rps ?? null,
      latencyMs: tick.traffic?.latencyMs ?? null,
      reason: reasonText(decidingReason(decision.reasons)),
    };
    const before = this.#views.get(tick.scaler)?.history ?? [];
    const view: ScalerView = {
      name: tick.scaler,
      time: tick.now,
      desiredReplicas: decision.desiredReplicas,
      currentReplicas: tick.currentReplicas,
      predictedReplicas: point.predicted,
      valid: decision.valid,
      conditions: decision.conditions,
      triggers: decision.triggers,
      reasons: decision.reasons,
      history: [...before.slice(-(HISTORY_TICKS - 1)), point],
    };
    this.#views.set(tick.scaler, view);
    for (const listener of this.#listeners) listener(view);
  }

  /** Every scaler that has decided, by name. */
  views(): ScalerView[] {
    return [...this.#views.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}

/*
 * Everything below down to `renderDashboard` also runs in the browser: each function refers only
 * to its arguments, globals and the other functions here (no imports, no module constants), and
 * is a function declaration so that `String(fn)` gives a declaration the page's script can hold.
 */

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function cell(v: string | number | null): string {
  return `<td>${v === null ? '—' : esc(String(v))}</td>`;
}

function fixed(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined ? '—' : v.toFixed(digits);
}

/** One scaler's section of the page. */
function card(v: ScalerView): string {
  const conditions = v.conditions
    .map((c) => `<tr>${cell(c.type)}${cell(c.status)}${cell(c.reason)}${cell(c.message)}</tr>`)
    .join('');
  const triggers = v.triggers
    .map(
      (t) =>
        `<tr>${cell(t.name)}${cell(t.type)}${cell(t.value)}${cell(t.replicas)}${cell(t.error === null ? null : `${t.error.code}: ${t.error.message}`)}</tr>`,
    )
    .join('');
  const reasons = v.reasons
    .map((r) => `<li><code>${esc(r.code)}</code> ${esc(r.message)}</li>`)
    .join('');
  const last = v.history.at(-1);
  const proxied = v.history.some((p) => p.rps !== null);
  const traffic = proxied
    ? ` · <b class="rps">${fixed(last?.rps, 1)}</b> req/s · latency <b class="latency">${fixed(last?.latencyMs, 1)}</b> ms`
    : '';
  return `<section class="scaler" data-scaler="${esc(v.name)}">
<h2>${esc(v.name)}</h2>
<p class="counts">current <b class="current">${v.currentReplicas}</b> · desired <b class="desired">${v.desiredReplicas}</b> · predicted <b class="predicted">${v.predictedReplicas ?? '—'}</b>${traffic}${v.valid ? '' : ' · <b class="invalid">could not decide: count held</b>'} · at <span class="time">${esc(new Date(v.time).toISOString())}</span></p>
<div class="charts"><div class="uchart replicas" role="img" aria-label="replicas over the last ${v.history.length} ticks"></div><p class="tick-reason">Hover the chart for a tick's reason.</p>${proxied ? `<div class="uchart traffic" role="img" aria-label="request rate and latency over the last ${v.history.length} ticks"></div>` : ''}</div>
<h3>Triggers</h3><table><tr><th>name</th><th>type</th><th>value</th><th>proposes</th><th>error</th></tr>${triggers}</table>
<h3>Conditions</h3><table><tr><th>type</th><th>status</th><th>reason</th><th>message</th></tr>${conditions}</table>
<h3>Why</h3><ol class="reasons">${reasons}</ol>
</section>`;
}

/**
 * The page's script: listens on `/api/events` (passing the page's own query, so a `?token=`
 * reaches the stream too) and replaces a scaler's card with each of its ticks.
 */
function live(): void {
  const doc = (globalThis as unknown as { document: PageDocument }).document;
  const charts = (globalThis as unknown as { tideDashboard: { show(view: ScalerView): void } })
    .tideDashboard;
  const Source = (globalThis as unknown as { EventSource: new (url: string) => PageEvents })
    .EventSource;
  const events = new Source(
    `/api/events${String((globalThis as { location?: { search: string } }).location?.search ?? '')}`,
  );
  events.addEventListener('tick', (e) => {
    const view = JSON.parse(e.data) as ScalerView;
    const sections = [...doc.querySelectorAll('section.scaler')];
    const old = sections.find((s) => s.dataset.scaler === view.name);
    doc.querySelector('p.empty')?.remove();
    if (old !== undefined) old.outerHTML = card(view);
    else doc.querySelector('main')?.insertAdjacentHTML('beforeend', card(view));
    charts.show(view);
  });
  events.addEventListener('open', () => {
    const status = doc.querySelector('[data-live]');
    if (status !== null) status.textContent = 'live';
  });
  events.addEventListener('error', () => {
    const status = doc.querySelector('[data-live]');
    if (status !== null) status.textContent = 'reconnecting';
  });
}

/** The little of the DOM `live` uses (the project compiles without the DOM library). */
interface PageElement {
  readonly dataset: Record<string, string | undefined>;
  outerHTML: string;
  textContent: string | null;
  remove(): void;
  insertAdjacentHTML(where: 'beforeend', html: string): void;
}
interface PageDocument {
  querySelectorAll(selector: string): Iterable<PageElement>;
  querySelector(selector: string): PageElement | null;
}
interface PageEvents {
  addEventListener(type: string, listener: (e: { readonly data: string }) => void): void;
}

/** The page's own script: the renderers above, the charts (`dashboardCharts`), then `live()`. */
const script = `${[esc, cell, fixed, card, live].map(String).join('\n')}\n${dashboardCharts}\nmountCharts();\nlive();`;

/** The dashboard page for the board's scalers. */
export function renderDashboard(
  views: readonly ScalerView[],
  options: { title?: string; runtime?: Readonly<Record<string, string | boolean>> } = {},
): string {
  const title = esc(options.title ?? 'Tide');
  const runtime = Object.entries(options.runtime ?? {})
    .map(([k, v]) => `${esc(k)} <b data-runtime="${esc(k)}">${esc(String(v))}</b>`)
    .join(' · ');
  const body =
    views.length === 0
      ? '<p class="empty">No scaler has decided yet.</p>'
      : views.map(card).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>${title}</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="${UPLOT_CSS_PATH}">
<style>body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}.uchart{min-height:100px}.tick-reason{font-size:12px;color:#444;min-height:1.4em;margin:2px 0 8px}.uplot .u-legend{font-size:12px}section{border:1px solid #ddd;border-radius:6px;padding:0 1em 1em;margin-bottom:1.5em}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}svg{display:block}svg text{font-size:11px}.invalid{color:#b00}code{font-size:12px}</style>
</head><body>
<h1>${title}</h1>
${runtime === '' ? '' : `<p class="runtime">${runtime}</p>`}
<p>Each scaler's last decision and its last ${HISTORY_TICKS} ticks, updated at each tick (<span data-live>connecting</span>). Also as JSON: <a href="/api/scalers">/api/scalers</a>; metrics: <a href="/metrics">/metrics</a>.</p>
<main>
${body}
</main>
<script type="application/json" id="views">${JSON.stringify(views).replace(/</g, '\\u003c')}</script>
<script src="${UPLOT_JS_PATH}"></script>
<script>
${script}
</script>
</body></html>
`;
}
