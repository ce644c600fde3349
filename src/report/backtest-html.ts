/**
 * The backtest report as one self-contained HTML page (`tide-report/index.html`): no scripts, no
 * CDN, no external files; every chart is inline SVG drawn here. Opens offline in any browser.
 *
 * Per trace: the score table and one chart per policy showing the required replicas (grey area),
 * the demand in replicas at the SLO line (thin dark line), the policy's ready replicas (coloured)
 * and under-provisioning shaded red. Long traces are drawn in buckets (at most CHART_BUCKETS
 * per chart): the required count is the bucket's maximum, the supply its minimum and maximum (a
 * band); red bars hang from the required count as deep as the bucket's worst shortfall, more
 * opaque the larger the share of under-provisioned steps in it.
 *
 * @module
 */
import type { TraceResult } from '../sim/backtest.js';
import type { BacktestReport, PolicyRecord, TraceRecord } from './backtest-json.js';
import { compact, parametersLine } from './backtest-table.js';

export const CHART_BUCKETS = 600;
const W = 900;
const H = 170;
const PAD = { left: 44, right: 10, top: 10, bottom: 24 };
const palette = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
  '#7f7f7f',
];

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Buckets {
  readonly count: number;
  readonly size: number;
  readonly dMax: Float64Array;
  readonly demand: Float64Array;
  readonly sMin: Float64Array;
  readonly sMax: Float64Array;
  readonly under: Float64Array;
  /** Largest shortfall d − s in the bucket (0 when never short). */
  readonly short: Float64Array;
}

function bucketize(result: TraceResult, supply: Int32Array): Buckets {
  const n = result.model.steps;
  const count = Math.min(n, CHART_BUCKETS);
  const size = n / count;
  const b: Buckets = {
    count,
    size,
    dMax: new Float64Array(count),
    demand: new Float64Array(count),
    sMin: new Float64Array(count).fill(Infinity),
    sMax: new Float64Array(count),
    under: new Float64Array(count),
    short: new Float64Array(count),
  };
  const perReplica = result.model.capacity * result.params.sloUtilization;
  for (let k = 0; k < n; k++) {
    const i = Math.min(count - 1, Math.floor(k / size));
    const d = result.model.required[k] as number;
    const s = supply[k] as number;
    b.dMax[i] = Math.max(b.dMax[i] as number, d);
    b.demand[i] = Math.max(b.demand[i] as number, (result.model.demand[k] as number) / perReplica);
    b.sMin[i] = Math.min(b.sMin[i] as number, s);
    b.sMax[i] = Math.max(b.sMax[i] as number, s);
    if (s < d) {
      (b.under[i] as number) += 1;
      b.short[i] = Math.max(b.short[i] as number, d - s);
    }
  }
  for (let i = 0; i < count; i++) {
    const steps = Math.floor((i + 1) * size) - Math.floor(i * size);
    b.under[i] = (b.under[i] as number) / Math.max(1, steps);
  }
  return b;
}

interface Frame {
  readonly x: (i: number) => number;
  readonly y: (v: number) => number;
}

const num = (v: number): string => (Math.round(v * 10) / 10).toString();

function stepPath(values: Float64Array, f: Frame): string {
  let d = '';
  for (let i = 0; i < values.length; i++) {
    const y = num(f.y(values[i] as number));
    d += `${i === 0 ? 'M' : 'L'}${num(f.x(i))},${y}L${num(f.x(i + 1))},${y}`;
  }
  return d;
}

function areaPath(values: Float64Array, f: Frame): string {
  return `${stepPath(values, f)}L${num(f.x(values.length))},${num(f.y(0))}L${num(f.x(0))},${num(f.y(0))}Z`;
}

function bandPath(lo: Float64Array, hi: Float64Array, f: Frame): string {
  let d = stepPath(hi, f);
  for (let i = lo.length - 1; i >= 0; i--) {
    const y = num(f.y(lo[i] as number));
    d += `L${num(f.x(i + 1))},${y}L${num(f.x(i))},${y}`;
  }
  return `${d}Z`;
}

/** Red bars hanging from the required count, as deep as the bucket's worst shortfall. */
function underRects(b: Buckets, f: Frame): string {
  const out: string[] = [];
  for (let i = 0; i < b.count; i++) {
    const share = b.under[i] as number;
    if (share <= 0) continue;
    const top = f.y(b.dMax[i] as number);
    const bottom = f.y((b.dMax[i] as number) - (b.short[i] as number));
    const opacity = (0.3 + 0.7 * share).toFixed(2);
    out.push(
      `<rect x="${num(f.x(i))}" y="${num(top)}" width="${num(Math.max(1, f.x(i + 1) - f.x(i)))}" height="${num(Math.max(1, bottom - top))}" fill="#d62728" fill-opacity="${opacity}"/>`,
    );
  }
  return out.join('');
}

/**
 * A strip along the foot of the plot where prediction set the count: one mark per bucket, as
 * opaque as the share of the bucket's steps it was in charge.
 */
function predictedStrip(predicted: Uint8Array, b: Buckets, f: Frame): string {
  const ones = new Float64Array(b.count);
  for (let k = 0; k < predicted.length; k++) {
    const i = Math.min(b.count - 1, Math.floor(k / b.size));
    (ones[i] as number) += predicted[k] as number;
  }
  const out: string[] = [];
  const y = num(f.y(0) - 4);
  for (let i = 0; i < b.count; i++) {
    const steps = Math.floor((i + 1) * b.size) - Math.floor(i * b.size);
    const share = (ones[i] as number) / Math.max(1, steps);
    if (share <= 0) continue;
    out.push(
      `<rect x="${num(f.x(i))}" y="${y}" width="${num(Math.max(1, f.x(i + 1) - f.x(i)))}" height="4" fill="#2ca02c" fill-opacity="${(0.3 + 0.7 * share).toFixed(2)}"/>`,
    );
  }
  return `<g class="predicted">${out.join('')}</g>`;
}

function timeTicks(hours: number): { at: number; label: string }[] {
  const [unit, suffix] = hours > 72 ? [24, ' d'] : hours > 3 ? [1, ' h'] : [1 / 60, ' min'];
  const span = hours / unit;
  const choices = [1, 2, 5, 10, 15, 20, 30, 60, 120];
  const every = choices.find((c) => span / c <= 10) ?? Math.ceil(span / 10);
  const ticks: { at: number; label: string }[] = [];
  for (let t = 0; t <= span + 1e-9; t += every) {
    ticks.push({ at: (t * unit) / hours, label: `${t}${suffix}` });
  }
  return ticks;
}

function axes(frame: Frame, yMax: number, hours: number): string {
  return axesAt(frame, { yMax, hours, height: H });
}

function axesAt(frame: Frame, o: { yMax: number; hours: number; height: number }): string {
  const parts: string[] = [];
  for (const v of [0, Math.round(o.yMax / 2), o.yMax]) {
    const y = num(frame.y(v));
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${PAD.left - 4}" y="${y}" text-anchor="end" dominant-baseline="middle">${v}</text>`,
    );
  }
  const plotW = W - PAD.left - PAD.right;
  for (const t of timeTicks(o.hours)) {
    const x = num(PAD.left + t.at * plotW);
    const anchor = t.at > 0.97 ? 'end' : t.at < 0.03 ? 'start' : 'middle';
    parts.push(`<text x="${x}" y="${o.height - 6}" text-anchor="${anchor}">${t.label}</text>`);
  }
  return parts.join('');
}

function chart(
  result: TraceResult,
  policy: {
    name: string;
    supply: Int32Array;
    color: string;
    predicted: Uint8Array | null;
  },
): string {
  const b = bucketize(result, policy.supply);
  let yMax = 1;
  for (let i = 0; i < b.count; i++)
    yMax = Math.max(yMax, b.dMax[i] as number, b.sMax[i] as number, b.demand[i] as number);
  yMax = Math.ceil(yMax);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const frame: Frame = {
    x: (i) => PAD.left + (i / b.count) * plotW,
    y: (v) => PAD.top + plotH - (v / yMax) * plotH,
  };
  const hours = (result.model.steps * result.params.stepSeconds) / 3600;
  const label = `${policy.name} on ${result.trace.name}: ready replicas against required replicas`;
  return (
    `<figure><figcaption><span class="swatch" style="background:${policy.color}"></span>${esc(policy.name)}</figcaption>` +
    `<svg class="chart" role="img" aria-label="${esc(label)}" viewBox="0 0 ${W} ${H}" data-trace="${esc(result.trace.name)}" data-policy="${esc(policy.name)}" data-points="${b.count}">` +
    axes(frame, yMax, hours) +
    `<path class="required" d="${areaPath(b.dMax, frame)}" fill="#bbb" fill-opacity="0.55"/>` +
    `<path class="supply" d="${bandPath(b.sMin, b.sMax, frame)}" fill="${policy.color}" fill-opacity="0.35" stroke="${policy.color}" stroke-width="1.2"/>` +
    `<path class="demand" d="${stepPath(b.demand, frame)}" fill="none" stroke="#222" stroke-width="0.7"/>` +
    underRects(b, frame) +
    (policy.predicted === null ? '' : predictedStrip(policy.predicted, b, frame)) +
    `</svg></figure>`
  );
}

/** Half-width of the "around the peak" chart, seconds. */
const PEAK_WINDOW_SECONDS = 90 * 60;

/** Every policy's ready replicas, full resolution, in the hours around the required peak. */
function peakChart(result: TraceResult, colors: Map<string, string>): string {
  const { model, params } = result;
  let peak = 0;
  for (let k = 1; k < model.steps; k++) {
    if ((model.required[k] as number) > (model.required[peak] as number)) peak = k;
  }
  const half = Math.round(PEAK_WINDOW_SECONDS / params.stepSeconds);
  const from = Math.max(0, Math.min(peak - half, model.steps - 2 * half));
  const to = Math.min(model.steps, from + 2 * half);
  const ok = result.policies.filter((p) => p.ok);
  let yMax = 1;
  for (const p of ok)
    for (let k = from; k < to; k++) yMax = Math.max(yMax, p.record.supply[k] as number);
  for (let k = from; k < to; k++) yMax = Math.max(yMax, model.required[k] as number);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H * 1.6 - PAD.top - PAD.bottom;
  const height = Math.round(H * 1.6);
  const frame: Frame = {
    x: (i) => PAD.left + (i / (to - from)) * plotW,
    y: (v) => PAD.top + plotH - (v / yMax) * plotH,
  };
  const required = Float64Array.from(model.required.subarray(from, to));
  const lines = ok
    .map((p) => {
      const color = colors.get(p.name) ?? '#000';
      const dash = p.name === 'oracle' ? ' stroke-dasharray="4 3"' : '';
      const d = stepPath(Float64Array.from(p.record.supply.subarray(from, to)), frame);
      return `<path class="policy" data-policy="${esc(p.name)}" d="${d}" fill="none" stroke="${color}" stroke-width="1.4"${dash}/>`;
    })
    .join('');
  const hours = ((to - from) * params.stepSeconds) / 3600;
  const startH = ((from * params.stepSeconds) / 3600).toFixed(1);
  const legend = ok
    .map(
      (p) =>
        `<span class="swatch" style="background:${colors.get(p.name) ?? '#000'}"></span>${esc(p.name)}`,
    )
    .join(' ');
  return (
    `<figure><figcaption>Around the peak (from ${startH} h, ${hours.toFixed(1)} h at full resolution): every policy's ready replicas against the required (grey)</figcaption>` +
    `<p class="legend">${legend}</p>` +
    `<svg class="peak-chart" role="img" aria-label="ready replicas of every policy around the peak of ${esc(result.trace.name)}" viewBox="0 0 ${W} ${height}" data-trace="${esc(result.trace.name)}" data-points="${to - from}" data-policies="${ok.length}">` +
    axesAt(frame, { yMax, hours, height }) +
    `<path class="required" d="${areaPath(required, frame)}" fill="#bbb" fill-opacity="0.55"/>` +
    lines +
    `</svg></figure>`
  );
}

const cell = (v: number | null, digits: number): string => (v === null ? '—' : v.toFixed(digits));

function scoreRow(r: PolicyRecord): string {
  if (!r.ok)
    return `<tr><th>${esc(r.policy)}</th><td colspan="11" class="error">${esc(r.error)}</td></tr>`;
  const cells = [
    cell(r.tauU, 1),
    cell(r.thetaU, 2),
    cell(r.tauO, 1),
    cell(r.thetaO, 1),
    cell(r.instability, 1),
    cell(r.sloViolationMinutes, 1),
    compact(r.requestsOverCapacity),
    cell(r.replicaHours, 1),
    cell(r.oracleRatio, 2),
    cell(r.actionsPerHour, 1),
    cell(r.predictedShare, 1),
  ];
  return `<tr><th>${esc(r.policy)}</th>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

const scoreHead =
  '<tr><th>policy</th><th title="share of steps under-provisioned">τU %</th><th title="mean relative under-provisioning">θU %</th><th title="share of steps over-provisioned">τO %</th><th title="mean relative over-provisioning">θO %</th><th title="instability (SPEC RG)">υ %</th><th>SLO-violating min</th><th>requests over capacity</th><th>replica-hours</th><th>× oracle</th><th>actions / h</th><th title="share of steps where prediction set the count (— without prediction)">prediction %</th></tr>';

function traceSection(
  result: TraceResult,
  record: TraceRecord,
  colors: Map<string, string>,
): string {
  const charts = result.policies
    .map((p) =>
      p.ok
        ? chart(result, {
            name: p.name,
            supply: p.record.supply,
            color: colors.get(p.name) ?? '#000',
            predicted: p.predicted,
          })
        : '',
    )
    .join('');
  const meta = `${record.hours.toFixed(1)} h · ${record.steps} steps · trace interval ${record.intervalSeconds} s · peak ${compact(record.peakDemand)} req/s · oracle ${record.oracleReplicaHours.toFixed(1)} replica-hours${record.gaps > 0 ? ` · ${record.gaps} gap(s) bridged` : ''}`;
  return (
    `<section class="trace" id="${esc(record.name)}"><h2>${esc(record.name)}</h2><p class="meta">${esc(meta)} · source ${esc(record.source)}</p>` +
    `<table class="scores">${scoreHead}${record.results.map(scoreRow).join('')}</table>` +
    `<p class="legend"><span class="key req"></span>required replicas <span class="key dem"></span>demand at the SLO line <span class="key sup"></span>ready replicas (band: min–max per bucket) <span class="key und"></span>under-provisioned <span class="key pred"></span>prediction set the count</p>` +
    peakChart(result, colors) +
    `<div class="charts">${charts}</div></section>`
  );
}

function summarySection(report: BacktestReport): string {
  const head = `<tr><th>policy</th><th>traces</th><th>median τU %</th><th>median θU %</th><th>median θO %</th><th>median × oracle</th><th>median actions / h</th><th>SLO-violating min (sum)</th></tr>`;
  const rows = report.summary
    .map(
      (s) =>
        `<tr><th>${esc(s.policy)}</th><td>${s.traces}</td><td>${cell(s.medianTauU, 1)}</td><td>${cell(s.medianThetaU, 2)}</td><td>${cell(s.medianThetaO, 1)}</td><td>${cell(s.medianOracleRatio, 2)}</td><td>${cell(s.medianActionsPerHour, 1)}</td><td>${cell(s.totalSloViolationMinutes, 1)}</td></tr>`,
    )
    .join('');
  const matrixHead = `<tr><th>trace</th>${report.policies.map((p) => `<th>${esc(p)}</th>`).join('')}</tr>`;
  const matrixRows = report.traces
    .map((t) => {
      const cells = report.policies.map((p) => {
        const r = t.results.find((x) => x.policy === p);
        if (r === undefined) return '<td></td>';
        if (!r.ok) return '<td class="error">error</td>';
        return `<td><span class="${r.tauU > 1 ? 'bad' : ''}">${r.tauU.toFixed(1)}</span> · ${cell(r.oracleRatio, 2)}</td>`;
      });
      return `<tr><th><a href="#${esc(t.name)}">${esc(t.name)}</a></th>${cells.join('')}</tr>`;
    })
    .join('');
  return (
    `<section id="summary"><h2>Summary across ${report.traces.length} trace(s)</h2><table class="scores">${head}${rows}</table>` +
    `<h3>τU % · replica-hours × oracle, per trace</h3><p class="note">Never read a cost ratio without τU beside it: a cheap policy that under-provisions is not cheap.</p><table class="scores matrix">${matrixHead}${matrixRows}</table></section>`
  );
}

const style = `body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:960px;color:#222;padding:0 12px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ccc}h3{font-size:15px}
table.scores{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:8px 0;font-size:13px}
.scores th,.scores td{padding:3px 8px;border-bottom:1px solid #eee;text-align:right}.scores th:first-child{text-align:left}
.scores tr:first-child th{border-bottom:2px solid #999;text-align:right}.scores tr:first-child th:first-child{text-align:left}
.matrix td{white-space:nowrap}.bad{color:#d62728;font-weight:600}.error{color:#d62728;text-align:left}
.meta,.note,.params{color:#555;font-size:13px}figure{margin:4px 0}figcaption{font-size:13px;font-weight:600}
svg.chart{width:100%;height:auto;display:block}svg text{font-size:11px;fill:#555}
.swatch,.key{display:inline-block;width:12px;height:12px;margin:0 4px 0 10px;vertical-align:-1px}
.key.req{background:#bbb}.key.dem{background:#222;height:2px;vertical-align:3px}.key.sup{background:#1f77b4;opacity:.6}.key.und{background:#d62728}.key.pred{background:#2ca02c;height:4px;vertical-align:3px}
.legend{font-size:12px;color:#444}`;

export interface HtmlInput {
  readonly report: BacktestReport;
  readonly results: readonly TraceResult[];
}

/** The report page; a pure function of the report and the replays' series. */
export function renderHtml(input: HtmlInput): string {
  const { report, results } = input;
  const colors = new Map(
    report.policies.map((p, i) => [
      p,
      p === 'oracle' ? '#444' : (palette[i % palette.length] as string),
    ]),
  );
  const sections = results
    .map((result, i) => {
      const record = report.traces[i];
      return record === undefined ? '' : traceSection(result, record, colors);
    })
    .join('');
  const toc = report.traces.map((t) => `<a href="#${esc(t.name)}">${esc(t.name)}</a>`).join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Tide backtest report</title><style>${style}</style></head>
<body><h1>Tide backtest report</h1>
<p class="params">${esc(parametersLine(report))}. Generated ${esc(report.generatedAt)}.</p>
<p class="note">Scores (DESIGN.md, "The simulator"): τU/τO share of steps under/over-provisioned; θU/θO mean relative under/over-provisioning; υ instability; replica-hours include starting replicas; × oracle is the ratio to the clairvoyant schedule with zero under-provisioning.</p>
<p>${toc}</p>
${summarySection(report)}
${sections}
</body></html>
`;
}
