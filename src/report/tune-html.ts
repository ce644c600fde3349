/**
 * `tide tune`'s report as one self-contained HTML page (`tide-tune/index.html`; uPlot inlined, no
 * other file, no network): the verdict, the table of `tune-text.ts`, the chosen spec as YAML,
 * the frontier and every spec tried.
 *
 * The frontier: replica-hours (y) against τU (x) on the tuning part, one point per spec tried
 * (blue), `hpa` at CPU targets 50–90 % (orange, joined), the chosen spec (a large green point),
 * the lower-left envelope of Tide's specs (the cheapest found at each τU, a blue step line) and
 * the SLO's τU limit (a red vertical line). Drag to zoom, double-click or "reset zoom" to undo;
 * hovering a point shows its settings and both parts' figures below the chart.
 *
 * @module
 */
import type { SplitFigures, TuneResult } from '../tune/tune.js';
import { chosenYaml, sloLine, splitLine, tuneTable } from './tune-text.js';
import { inlineJson, inlineScript, uplotAssets } from './uplot.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A point of the frontier chart. */
export interface FrontierPoint {
  readonly kind: 'tide' | 'hpa' | 'chosen';
  readonly label: string;
  readonly tauU: number;
  readonly replicaHours: number;
  readonly figures: SplitFigures;
  readonly settings: Readonly<Record<string, unknown>>;
  /** On Tide's lower-left envelope. */
  readonly envelope: boolean;
}

/** The chart's points, sorted by τU (uPlot's x must ascend). */
export function frontierPoints(r: TuneResult): FrontierPoint[] {
  const points: FrontierPoint[] = [];
  r.tried.forEach((t, i) => {
    if (t.figures === null) return;
    points.push({
      kind: i === r.chosen ? 'chosen' : 'tide',
      label: i === 0 ? `spec ${i + 1} (Tide's default)` : `spec ${i + 1}`,
      tauU: t.figures.tuning.tauU,
      replicaHours: t.figures.tuning.replicaHours,
      figures: t.figures,
      settings: t.settings,
      envelope: false,
    });
  });
  for (const h of r.hpa) {
    if (h.figures === null) continue;
    points.push({
      kind: 'hpa',
      label: `${h.name} (CPU ${h.target} %)`,
      tauU: h.figures.tuning.tauU,
      replicaHours: h.figures.tuning.replicaHours,
      figures: h.figures,
      settings: { 'triggers.0.target.value': h.target },
      envelope: false,
    });
  }
  points.sort((a, b) => a.tauU - b.tauU || a.replicaHours - b.replicaHours);
  // Tide's envelope: walking up in τU, each spec cheaper than every one before it.
  let cheapest = Infinity;
  return points.map((p) => {
    if (p.kind === 'hpa' || p.replicaHours >= cheapest) return p;
    cheapest = p.replicaHours;
    return { ...p, envelope: true };
  });
}

/** The page's script: builds the frontier from the embedded points. */
const pageScript = `(function () {
  var data = JSON.parse(document.getElementById('tune-data').textContent);
  var pts = data.points;
  var x = pts.map(function (p) { return p.tauU; });
  var only = function (test) { return pts.map(function (p) { return test(p) ? p.replicaHours : null; }); };
  var el = document.getElementById('frontier');
  var detail = document.getElementById('frontier-point');
  var fmt = function (v, d) { return v === null || v === undefined ? '—' : v.toFixed(d); };
  var part = function (f) { return f === null ? 'no holdout' : 'τU ' + fmt(f.tauU, 2) + ' %, ' + fmt(f.replicaHours, 1) + ' replica-h, ' + fmt(f.oracleRatio, 3) + ' × oracle'; };
  var dot = function (size) { return { show: true, size: size, fill: null }; };
  var opts = {
    width: Math.min(900, el.clientWidth || 900), height: 380,
    scales: { x: { time: false } },
    axes: [{ label: 'τU on the tuning part (% of time short)' }, { label: 'replica-hours (tuning part)', size: 70 }],
    cursor: { drag: { x: true, y: true, uni: 20 } },
    series: [
      { label: 'τU %', value: function (u, v) { return fmt(v, 2); } },
      { label: 'Tide specs tried', stroke: '#1f77b4', paths: function () { return null; }, points: dot(6) },
      { label: 'hpa at CPU 50–90 %', stroke: '#ff7f0e', width: 1.5, spanGaps: true, points: dot(7) },
      { label: 'chosen', stroke: '#2ca02c', paths: function () { return null; }, points: { show: true, size: 14, fill: '#2ca02c' } },
      { label: "Tide's envelope", stroke: '#1f77b4', width: 1, dash: [4, 3], spanGaps: true, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } }
    ],
    hooks: {
      draw: [function (u) {
        var px = u.valToPos(data.limitPercent, 'x', true);
        if (px < u.bbox.left || px > u.bbox.left + u.bbox.width) return;
        var c = u.ctx; c.save(); c.strokeStyle = '#d62728'; c.setLineDash([6, 4]); c.lineWidth = 1.5;
        c.beginPath(); c.moveTo(px, u.bbox.top); c.lineTo(px, u.bbox.top + u.bbox.height); c.stroke(); c.restore();
      }],
      setCursor: [function (u) {
        var i = u.cursor.idx;
        if (i === null || i === undefined || pts[i] === undefined) return;
        var p = pts[i];
        var s = Object.keys(p.settings).map(function (k) { return k + ': ' + JSON.stringify(p.settings[k]); }).join(', ');
        detail.textContent = p.label + (p.kind === 'chosen' ? ' — chosen' : '') + '. Tuning part: ' + part(p.figures.tuning) + '. Holdout: ' + part(p.figures.holdout) + '. ' + s;
        detail.dataset.kind = p.kind;
      }]
    }
  };
  var series = [x, only(function (p) { return p.kind === 'tide'; }), only(function (p) { return p.kind === 'hpa'; }), only(function (p) { return p.kind === 'chosen'; }), only(function (p) { return p.envelope; })];
  var u = new uPlot(opts, series, el);
  document.getElementById('frontier-reset').addEventListener('click', function () {
    u.setScale('x', { min: Math.min.apply(null, x), max: Math.max.apply(null, x) });
  });
  window.tideCharts = { frontier: u };
})();`;

function figuresCells(f: SplitFigures | null): string {
  const n = (v: number | null | undefined, d: number): string =>
    v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d);
  return [
    n(f?.tuning.tauU, 2),
    n(f?.tuning.replicaHours, 1),
    n(f?.tuning.oracleRatio, 3),
    n(f?.holdout?.tauU, 2),
    n(f?.holdout?.replicaHours, 1),
    n(f?.holdout?.oracleRatio, 3),
  ]
    .map((c) => `<td>${c}</td>`)
    .join('');
}

function triedTable(r: TuneResult): string {
  const rows = r.tried
    .map((t, i) => {
      const s = Object.entries(t.settings)
        .map(([k, v]) => `${esc(k)}: ${esc(JSON.stringify(v))}`)
        .join('<br>');
      const cls = i === r.chosen ? ' class="chosen"' : '';
      const cells =
        t.error === undefined
          ? figuresCells(t.figures)
          : `<td colspan="6" class="error">${esc(t.error)}</td>`;
      return `<tr${cls}><th>${i + 1}${i === 0 ? ' (default)' : ''}</th>${cells}<td class="settings">${s}</td></tr>`;
    })
    .join('');
  return `<table class="tried"><tr><th>spec</th><th>τU %</th><th>replica-h</th><th>× oracle</th><th>holdout τU %</th><th>replica-h</th><th>× oracle</th><th>settings</th></tr>${rows}</table>`;
}

const style = `body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:960px;color:#222;padding:0 12px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}pre{background:#f6f6f6;padding:8px;overflow:auto}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:13px}td,th{padding:3px 8px;border-bottom:1px solid #eee;text-align:right;vertical-align:top}
td.settings{text-align:left;font-size:12px;color:#444}tr.chosen{background:#e8f5e9}.error{color:#d62728;text-align:left}
.note{color:#555;font-size:13px}#frontier-point{min-height:3em;font-size:13px;background:#fafafa;padding:6px}`;

/** The page; a pure function of the result (and uPlot's files). */
export function renderTuneHtml(r: TuneResult, source: string): string {
  const { js, css } = uplotAssets();
  const data = { limitPercent: r.limitPercent, points: frontierPoints(r) };
  const verdict = r.feasible
    ? `The cheapest of the ${r.tried.length} specs tried that meets the SLO on the tuning part (spec ${r.chosen + 1}).`
    : `No spec of the ${r.tried.length} tried meets the SLO on the tuning part: the closest (lowest τU, spec ${r.chosen + 1}) is shown. Relax the SLO or raise --budget.`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Tide tune: ${esc(r.trace)}</title><style>${css}</style><style>${style}</style></head>
<body><h1>Tide tune: ${esc(r.trace)}</h1>
<p class="note">${esc(splitLine(r))}. Source ${esc(source)}.</p>
<p>${esc(sloLine(r))}.</p>
<p class="verdict">${esc(verdict)}</p>
<pre class="table">${esc(tuneTable(r))}</pre>
<h2>The chosen spec</h2>
<pre class="spec">${esc(chosenYaml(r))}</pre>
<h2>The frontier</h2>
<p class="note">One point per spec tried: replica-hours against the share of time short (τU), both on the tuning part. Lower left is better; the red line is the SLO's limit, so the cheapest point left of it is the choice (green). Orange: <code>hpa</code> at CPU targets 50–90 %. Drag to zoom, double-click to reset; hover a point for its settings. docs/tuning.md explains how to read it.</p>
<div id="frontier" data-points="${data.points.length}"></div>
<p><button id="frontier-reset" type="button">reset zoom</button></p>
<p id="frontier-point">Hover a point to see its spec.</p>
<h2>Every spec tried</h2>
${triedTable(r)}
<script type="application/json" id="tune-data">${inlineJson(data)}</script>
<script>${inlineScript(js)}</script>
<script>${inlineScript(pageScript)}</script>
</body></html>
`;
}
