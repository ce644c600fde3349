/**
 * The dashboard: what each scaler decided lately, in one self-contained page (`/`, inline SVG and
 * one inline script, no other request but its own event stream) and as JSON (`/api/scalers`).
 * The board keeps each scaler's last decision and the counts of its last `HISTORY_TICKS` ticks:
 * desired, current and predicted replicas (predicted: what prediction asked for, or in mode
 * forecastOnly would have asked for, so a forecastOnly scaler shows what turning prediction on
 * would change), the reactive proposal (the highest trigger's), and for a scaler behind Tide's
 * proxy its request rate and mean latency.
 *
 * The page updates live: `/api/events` (http.ts) sends each recorded tick's view, and the page's
 * script re-renders that scaler's card with the very functions the server renders it with
 * (`card` and what it calls are self-contained, and the page embeds their source), so the first
 * paint and every update look the same.
 *
 * @module
 */
import type { Condition, Decision, Reason, TriggerOutcome } from '../core/model.js';

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

interface Series {
  readonly label: string;
  readonly color: string;
  readonly dash: string;
  readonly values: readonly (number | null)[];
}

interface ChartInput {
  /** The svg's class and aria label. */
  readonly name: string;
  readonly times: readonly number[];
  readonly series: readonly Series[];
  /** A shaded area between two series' values, tick by tick (both non-null). */
  readonly band?: { readonly label: string; readonly low: Series; readonly high: Series };
}

/** A step line per series over the ticks; a null value breaks the line. */
function svgChart(c: ChartInput): string {
  const [w, h, left, right, top, bottom] = [720, 160, 44, 8, 22, 20];
  const all = c.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = Math.max(1, ...all);
  const n = Math.max(1, c.times.length);
  const x = (i: number): number => left + ((w - left - right) * i) / n;
  const y = (v: number): number => h - bottom - ((h - top - bottom) * v) / max;
  const f = (v: number): string => (Math.round(v * 10) / 10).toString();
  const step = (values: readonly (number | null)[]): string =>
    values
      .map((v, i) => {
        if (v === null) return '';
        const open = i > 0 && values[i - 1] !== null && values[i - 1] !== undefined;
        return `${open ? 'L' : 'M'}${f(x(i))},${f(y(v))}L${f(x(i + 1))},${f(y(v))}`;
      })
      .join('');
  const paths = c.series.map((s) => {
    const dash = s.dash === '' ? '' : ` stroke-dasharray="${s.dash}"`;
    return `<path class="series ${s.label.replace(/\W+/g, '-')}" d="${step(s.values)}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`;
  });
  const band =
    c.band === undefined
      ? ''
      : c.band.low.values
          .map((lo, i) => {
            const hi = c.band?.high.values[i] ?? null;
            if (lo === null || hi === null || hi === lo) return '';
            const [a, b] = [Math.min(lo, hi), Math.max(lo, hi)];
            return `<rect x="${f(x(i))}" y="${f(y(b))}" width="${f(x(i + 1) - x(i))}" height="${f(y(a) - y(b))}"/>`;
          })
          .join('');
  const bandGroup =
    c.band === undefined ? '' : `<g class="band" fill="#ff7f0e" fill-opacity="0.15">${band}</g>`;
  const labels = [
    ...c.series.map((s) => [s.label, s.color]),
    ...(c.band ? [[c.band.label, '#c60']] : []),
  ];
  const legend = labels
    .map(([label, color], i) => `<text x="${left + i * 90}" y="14" fill="${color}">${label}</text>`)
    .join('');
  const clock = (ms: number | undefined): string =>
    ms === undefined ? '' : new Date(ms).toISOString().slice(11, 19);
  const axis =
    `<text x="4" y="${f(y(max) + 4)}">${f(max)}</text><text x="4" y="${f(y(0))}">0</text>` +
    `<text x="${left}" y="${h - 4}">${clock(c.times[0])}</text>` +
    `<text x="${w - right}" y="${h - 4}" text-anchor="end">${clock(c.times.at(-1))} UTC</text>`;
  const frame = `<rect x="${left}" y="${top}" width="${w - left - right}" height="${h - top - bottom}" fill="none" stroke="#ddd"/>`;
  return `<svg class="${c.name}" role="img" aria-label="${c.name} over the last ${c.times.length} ticks" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">${frame}${bandGroup}${axis}${paths.join('')}${legend}</svg>`;
}

/** Replicas: current, desired and predicted, with the forecast band (reactive → predicted). */
function replicasChart(history: readonly TickPoint[]): string {
  const line = (label: string, color: string, dash: string, key: keyof TickPoint): Series => ({
    label,
    color,
    dash,
    values: history.map((p) => p[key]),
  });
  const predicted = line('predicted', '#ff7f0e', '5 3', 'predicted');
  const forecasting = predicted.values.some((v) => v !== null);
  return svgChart({
    name: 'replicas',
    times: history.map((p) => p.time),
    series: [
      line('current', '#7f7f7f', '', 'current'),
      line('desired', '#1f77b4', '', 'desired'),
      predicted,
    ],
    ...(forecasting
      ? {
          band: {
            label: 'forecast band',
            low: line('reactive', '', '', 'reactive'),
            high: predicted,
          },
        }
      : {}),
  });
}

/** The proxy's request rate, and beside it (each on its own axis) its mean latency in ms. */
function trafficChart(history: readonly TickPoint[]): string {
  const times = history.map((p) => p.time);
  const rps = { label: 'req/s', color: '#2ca02c', dash: '', values: history.map((p) => p.rps) };
  const latency = {
    label: 'latency ms',
    color: '#d62728',
    dash: '',
    values: history.map((p) => p.latencyMs),
  };
  return (
    svgChart({ name: 'traffic', times, series: [rps] }) +
    svgChart({ name: 'latency', times, series: [latency] })
  );
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
<div class="charts">${replicasChart(v.history)}${proxied ? trafficChart(v.history) : ''}</div>
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

/** The page's one script: the renderers above, then `live()`. */
const script = `${[esc, svgChart, replicasChart, trafficChart, cell, fixed, card, live].map(String).join('\n')}\nlive();`;

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
<style>body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}section{border:1px solid #ddd;border-radius:6px;padding:0 1em 1em;margin-bottom:1.5em}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}svg{display:block}svg text{font-size:11px}.invalid{color:#b00}code{font-size:12px}</style>
</head><body>
<h1>${title}</h1>
${runtime === '' ? '' : `<p class="runtime">${runtime}</p>`}
<p>Each scaler's last decision and its last ${HISTORY_TICKS} ticks, updated at each tick (<span data-live>connecting</span>). Also as JSON: <a href="/api/scalers">/api/scalers</a>; metrics: <a href="/metrics">/metrics</a>.</p>
<main>
${body}
</main>
<script>
${script}
</script>
</body></html>
`;
}
