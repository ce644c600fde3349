/**
 * The dashboard: what each scaler decided lately, in one self-contained page (`/`, inline SVG, no
 * scripts, reloads itself every 5 s) and as JSON (`/api/scalers`). The board keeps each scaler's
 * last decision and the counts of its last `HISTORY_TICKS` ticks: desired, current and predicted
 * replicas (predicted: what prediction asked for, or in mode forecastOnly would have asked for),
 * so a forecastOnly scaler shows what turning prediction on would change.
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

  /** A scaler that is gone (its ElasticScaler was deleted). */
  forget(scaler: string): void {
    this.#views.delete(scaler);
  }

  /** Records one tick of a scaler (the runtime's onTick). */
  record(tick: {
    readonly scaler: string;
    readonly decision: Decision;
    readonly currentReplicas: number;
    readonly now: number;
  }): void {
    const { decision } = tick;
    const point: TickPoint = {
      time: tick.now,
      desired: decision.desiredReplicas,
      current: tick.currentReplicas,
      predicted: decision.predictedReplicas ?? null,
    };
    const before = this.#views.get(tick.scaler)?.history ?? [];
    this.#views.set(tick.scaler, {
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
    });
  }

  /** Every scaler that has decided, by name. */
  views(): ScalerView[] {
    return [...this.#views.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const W = 720;
const H = 160;
const PAD = { left: 36, right: 8, top: 22, bottom: 20 };

interface Series {
  readonly label: string;
  readonly color: string;
  readonly dash: string;
  readonly values: readonly (number | null)[];
}

/** A step line per series over the ticks; a null value breaks the line. */
function chart(history: readonly TickPoint[]): string {
  const series: Series[] = [
    { label: 'current', color: '#7f7f7f', dash: '', values: history.map((p) => p.current) },
    { label: 'desired', color: '#1f77b4', dash: '', values: history.map((p) => p.desired) },
    { label: 'predicted', color: '#ff7f0e', dash: '5 3', values: history.map((p) => p.predicted) },
  ];
  const top = Math.max(1, ...series.flatMap((s) => s.values.filter((v) => v !== null)));
  const n = Math.max(1, history.length);
  const x = (i: number): number => PAD.left + ((W - PAD.left - PAD.right) * i) / n;
  const y = (v: number): number => H - PAD.bottom - ((H - PAD.top - PAD.bottom) * v) / top;
  const f = (v: number): string => (Math.round(v * 10) / 10).toString();
  const paths = series.map((s) => {
    let d = '';
    let open = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        open = false;
        return;
      }
      d += `${open ? 'L' : 'M'}${f(x(i))},${f(y(v))}L${f(x(i + 1))},${f(y(v))}`;
      open = true;
    });
    const dash = s.dash === '' ? '' : ` stroke-dasharray="${s.dash}"`;
    return `<path class="series ${s.label}" d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`;
  });
  const legend = series
    .map((s, i) => `<text x="${PAD.left + i * 90}" y="14" fill="${s.color}">${s.label}</text>`)
    .join('');
  const clock = (ms: number | undefined): string =>
    ms === undefined ? '' : esc(new Date(ms).toISOString().slice(11, 19));
  const axis =
    `<text x="4" y="${f(y(top) + 4)}">${top}</text><text x="4" y="${f(y(0))}">0</text>` +
    `<text x="${PAD.left}" y="${H - 4}">${clock(history[0]?.time)}</text>` +
    `<text x="${W - PAD.right}" y="${H - 4}" text-anchor="end">${clock(history.at(-1)?.time)} UTC</text>`;
  const frame = `<rect x="${PAD.left}" y="${PAD.top}" width="${W - PAD.left - PAD.right}" height="${H - PAD.top - PAD.bottom}" fill="none" stroke="#ddd"/>`;
  return `<svg role="img" aria-label="replicas over the last ${history.length} ticks" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">${frame}${axis}${paths.join('')}${legend}</svg>`;
}

const cell = (v: string | number | null): string => `<td>${v === null ? '—' : esc(String(v))}</td>`;

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
  const predicted = v.predictedReplicas === null ? '—' : String(v.predictedReplicas);
  return `<section class="scaler" data-scaler="${esc(v.name)}">
<h2>${esc(v.name)}</h2>
<p class="counts">current <b class="current">${v.currentReplicas}</b> · desired <b class="desired">${v.desiredReplicas}</b> · predicted <b class="predicted">${predicted}</b>${v.valid ? '' : ' · <b class="invalid">could not decide: count held</b>'} · at ${esc(new Date(v.time).toISOString())}</p>
${chart(v.history)}
<h3>Triggers</h3><table><tr><th>name</th><th>type</th><th>value</th><th>proposes</th><th>error</th></tr>${triggers}</table>
<h3>Conditions</h3><table><tr><th>type</th><th>status</th><th>reason</th><th>message</th></tr>${conditions}</table>
<h3>Why</h3><ol class="reasons">${reasons}</ol>
</section>`;
}

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
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>${title}</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}section{border:1px solid #ddd;border-radius:6px;padding:0 1em 1em;margin-bottom:1.5em}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}svg text{font-size:11px}.invalid{color:#b00}code{font-size:12px}</style>
</head><body>
<h1>${title}</h1>
${runtime === '' ? '' : `<p class="runtime">${runtime}</p>`}
<p>Each scaler's last decision and its last ${HISTORY_TICKS} ticks. Also as JSON: <a href="/api/scalers">/api/scalers</a>; metrics: <a href="/metrics">/metrics</a>.</p>
${body}
</body></html>
`;
}
