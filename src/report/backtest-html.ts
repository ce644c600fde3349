/**
 * The backtest report as one self-contained HTML page (`tide-report/index.html`): uPlot's script
 * and stylesheet and every series are inlined; no CDN, no other file. Opens offline in any
 * browser.
 *
 * Per trace: the score table, a chart of every policy's ready replicas against the required
 * (opened on the hours around the peak), and one chart per policy showing the required replicas
 * (grey area), the demand in replicas at the SLO line (thin dark line), the policy's ready
 * replicas (coloured), under-provisioning shaded red and, along the foot, where prediction set
 * the count (green). Every step is kept (packed by `series-pack.ts`: a month of 15 s steps is
 * a few hundred kB per trace). Drag to zoom (a trace's charts zoom together), double-click or
 * "reset zoom" for the whole trace; the legend shows the step under the cursor: its time,
 * required replicas, demand, each policy's ready replicas and the reason that set its count.
 *
 * @module
 */
import type { TraceResult } from '../sim/backtest.js';
import type { BacktestReport, PolicyRecord, TraceRecord } from './backtest-json.js';
import { compact, parametersLine } from './backtest-table.js';
import { chartScript } from './backtest-charts.js';
import { packSeries } from './series-pack.js';
import { inlineJson, inlineScript, uplotAssets } from './uplot.js';

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

/** Half-width of the window the "every policy" chart opens on, seconds. */
const PEAK_WINDOW_SECONDS = 90 * 60;

/** One policy's series as the page reads them. */
interface PolicySeries {
  readonly name: string;
  readonly color: string;
  readonly supply: string;
  readonly reasons: { readonly codes: readonly string[]; readonly index: string } | null;
  readonly predicted: string | null;
}

/** One trace's series as the page reads them (see `chartScript`). */
export interface TraceSeries {
  readonly trace: string;
  readonly steps: number;
  readonly stepSeconds: number;
  /** The window (steps) the "every policy" chart opens on. */
  readonly peak: readonly [number, number];
  readonly required: string;
  /** Demand in replicas at the SLO line, × 100. */
  readonly demand: string;
  readonly policies: readonly PolicySeries[];
}

function peakWindow(result: TraceResult): [number, number] {
  const { model, params } = result;
  let peak = 0;
  for (let k = 1; k < model.steps; k++) {
    if ((model.required[k] as number) > (model.required[peak] as number)) peak = k;
  }
  const half = Math.round(PEAK_WINDOW_SECONDS / params.stepSeconds);
  const from = Math.max(0, Math.min(peak - half, model.steps - 2 * half));
  return [from, Math.min(model.steps - 1, from + 2 * half)];
}

/** A trace's series, packed. */
export function traceSeries(result: TraceResult, colors: Map<string, string>): TraceSeries {
  const { model, params } = result;
  const perReplica = model.capacity * params.sloUtilization;
  const demand = Float64Array.from(model.demand, (d) => d / perReplica);
  const policies = result.policies.flatMap((p): PolicySeries[] =>
    p.ok
      ? [
          {
            name: p.name,
            color: colors.get(p.name) ?? '#000',
            supply: packSeries(p.record.supply),
            reasons:
              p.reasons === null
                ? null
                : { codes: p.reasons.codes, index: packSeries(p.reasons.index) },
            predicted: p.predicted === null ? null : packSeries(p.predicted),
          },
        ]
      : [],
  );
  return {
    trace: result.trace.name,
    steps: model.steps,
    stepSeconds: params.stepSeconds,
    peak: peakWindow(result),
    required: packSeries(model.required),
    demand: packSeries(demand, 100),
    policies,
  };
}

function charts(result: TraceResult, colors: Map<string, string>): string {
  const name = esc(result.trace.name);
  const [from, to] = peakWindow(result);
  const hours = (k: number): string => ((k * result.params.stepSeconds) / 3600).toFixed(1);
  const perPolicy = result.policies
    .filter((p) => p.ok)
    .map(
      (p) =>
        `<figure><figcaption><span class="swatch" style="background:${colors.get(p.name) ?? '#000'}"></span>${esc(p.name)}</figcaption>` +
        `<div class="uchart policy" data-trace="${name}" data-policy="${esc(p.name)}" data-points="${result.model.steps}" role="img" aria-label="${esc(`${p.name} on ${result.trace.name}: ready replicas against required replicas`)}"></div></figure>`,
    )
    .join('');
  return (
    `<p class="zoom">Drag across a chart to zoom (this trace's charts follow), double-click or <button type="button" class="reset" data-trace="${name}">reset zoom</button> for the whole trace; the legend shows the step under the cursor.</p>` +
    `<figure><figcaption>Every policy's ready replicas against the required (grey), opened on the peak (${hours(from)}–${hours(to)} h; reset zoom for the whole trace)</figcaption>` +
    `<div class="uchart all" data-trace="${name}" data-points="${result.model.steps}" role="img" aria-label="ready replicas of every policy on ${name}"></div></figure>` +
    `<div class="charts">${perPolicy}</div>`
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
  const meta = `${record.hours.toFixed(1)} h · ${record.steps} steps · trace interval ${record.intervalSeconds} s · peak ${compact(record.peakDemand)} req/s · oracle ${record.oracleReplicaHours.toFixed(1)} replica-hours${record.gaps > 0 ? ` · ${record.gaps} gap(s) bridged` : ''}`;
  return (
    `<section class="trace" id="${esc(record.name)}"><h2>${esc(record.name)}</h2><p class="meta">${esc(meta)} · source ${esc(record.source)}</p>` +
    `<table class="scores">${scoreHead}${record.results.map(scoreRow).join('')}</table>` +
    `<p class="legend"><span class="key req"></span>required replicas <span class="key dem"></span>demand at the SLO line <span class="key sup"></span>ready replicas <span class="key und"></span>under-provisioned <span class="key pred"></span>prediction set the count</p>` +
    charts(result, colors) +
    `</section>`
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
div.uchart{min-height:120px}.uplot .u-legend{font-size:12px;text-align:left}.uplot .u-legend .u-value{font-variant-numeric:tabular-nums}
.zoom{font-size:12px;color:#555}
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
  const series = results.map((result) => traceSeries(result, colors));
  const { js, css } = uplotAssets();
  const toc = report.traces.map((t) => `<a href="#${esc(t.name)}">${esc(t.name)}</a>`).join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Tide backtest report</title><style>${css}</style><style>${style}</style></head>
<body><h1>Tide backtest report</h1>
<p class="params">${esc(parametersLine(report))}. Generated ${esc(report.generatedAt)}.</p>
<p class="note">Scores (DESIGN.md, "The simulator"): τU/τO share of steps under/over-provisioned; θU/θO mean relative under/over-provisioning; υ instability; replica-hours include starting replicas; × oracle is the ratio to the clairvoyant schedule with zero under-provisioning.</p>
<p>${toc}</p>
${summarySection(report)}
${sections}
<script type="application/json" id="chart-data">${inlineJson(series)}</script>
<script>${inlineScript(js)}</script>
<script>${inlineScript(chartScript)}</script>
</body></html>
`;
}
