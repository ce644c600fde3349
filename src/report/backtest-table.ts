/**
 * The backtest report as terminal text: the parameters, one score table per trace, a summary.
 *
 * @module
 */
import type { BacktestReport, PolicyRecord, SummaryRecord, TraceRecord } from './backtest-json.js';

interface Column {
  readonly title: string;
  readonly cell: (r: PolicyRecord & { ok: true }) => string;
}

const fixed = (digits: number) => (v: number | null) => (v === null ? '—' : v.toFixed(digits));
const f1 = fixed(1);
const f2 = fixed(2);

/** A number with thousands kept readable: 1234567 → 1.23M. */
export function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(2)}G`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  return a >= 100 || a === 0 ? v.toFixed(0) : v.toPrecision(3);
}

const columns: readonly Column[] = [
  { title: 'τU %', cell: (r) => f1(r.tauU) },
  { title: 'θU %', cell: (r) => f2(r.thetaU) },
  { title: 'τO %', cell: (r) => f1(r.tauO) },
  { title: 'θO %', cell: (r) => f1(r.thetaO) },
  { title: 'υ %', cell: (r) => f1(r.instability) },
  { title: 'SLO min', cell: (r) => f1(r.sloViolationMinutes) },
  { title: 'req>cap', cell: (r) => compact(r.requestsOverCapacity) },
  { title: 'replica-h', cell: (r) => f1(r.replicaHours) },
  { title: '×oracle', cell: (r) => f2(r.oracleRatio) },
  { title: 'actions/h', cell: (r) => f1(r.actionsPerHour) },
  { title: 'pred %', cell: (r) => (r.predictedShare === null ? '—' : f1(r.predictedShare)) },
];

/** Columns padded to their widest cell, the first left-aligned. */
export function grid(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

export function traceTable(trace: TraceRecord): string {
  const title =
    `${trace.name}: ${trace.hours.toFixed(1)} h, ${trace.steps} steps, trace interval ` +
    `${trace.intervalSeconds} s, oracle ${trace.oracleReplicaHours.toFixed(1)} replica-hours` +
    (trace.gaps > 0 ? `, ${trace.gaps} gap(s) bridged` : '');
  const rows: string[][] = [];
  const errors: string[] = [];
  for (const r of trace.results) {
    if (r.ok) rows.push([r.policy, ...columns.map((c) => c.cell(r))]);
    else {
      rows.push([r.policy, ...columns.map(() => 'error')]);
      errors.push(`  ${r.policy}: ${r.error}`);
    }
  }
  const body = grid(['policy', ...columns.map((c) => c.title)], rows);
  return [title, body, ...errors].join('\n');
}

function summaryRow(s: SummaryRecord): string[] {
  return [
    s.policy,
    String(s.traces),
    f1(s.medianTauU),
    f2(s.medianThetaU),
    f1(s.medianThetaO),
    f2(s.medianOracleRatio),
    f1(s.medianActionsPerHour),
    f1(s.totalSloViolationMinutes),
  ];
}

export function parametersLine(report: BacktestReport): string {
  const p = report.parameters;
  return (
    `model: step ${p.stepSeconds} s, peakReplicas ${p.peakReplicas}, sloUtilization ${p.sloUtilization}, ` +
    `startup ${p.startupSeconds} s, minRequired ${p.minRequired}, scrape ${p.scrapeSeconds} s, ` +
    `metric window ${p.metricWindowSeconds} s, lag ${p.metricLagSeconds} s, initial replicas ` +
    `${p.initialReplicas ?? 'required at t = 0'}`
  );
}

/** The whole report as text for a terminal. */
export function reportText(report: BacktestReport): string {
  const parts = [parametersLine(report), ...report.traces.map(traceTable)];
  if (report.traces.length > 1) {
    const head = [
      'policy',
      'traces',
      'median τU %',
      'θU %',
      'θO %',
      '×oracle',
      'actions/h',
      'SLO min (sum)',
    ];
    parts.push(
      `summary over ${report.traces.length} traces (medians)\n${grid(head, report.summary.map(summaryRow))}`,
    );
  }
  return `${parts.join('\n\n')}\n`;
}
