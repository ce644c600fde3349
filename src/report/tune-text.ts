/**
 * `tide tune`'s result for a terminal and for tools: the table of the chosen spec against Tide's
 * default, `hpa` at a few targets and the oracle, on the tuning part and on the holdout, and the
 * chosen spec as YAML to paste into an ElasticScaler's `spec` or a tide-local file.
 *
 * @module
 */
import { stringify } from 'yaml';
import type { Figures, SplitFigures, TuneResult } from '../tune/tune.js';
import { MINUTES_PER_MONTH } from '../tune/tune.js';
import { grid } from './backtest-table.js';

const f = (v: number | null | undefined, digits: number): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);

const days = (steps: number, stepSeconds: number): string =>
  `${((steps * stepSeconds) / 86_400).toFixed(1)} d`;

/** The SLO in words, with its τU limit. */
export function sloLine(r: TuneResult): string {
  const minutes = (r.limitPercent / 100) * MINUTES_PER_MONTH;
  const source =
    r.slo.kind === 'hpa'
      ? ' (hpa’s τU on the tuning part: no more often short than the HPA it replaces)'
      : r.slo.kind === 'minutesPerMonth'
        ? ` (${r.slo.minutes} SLO-violating minutes per 30-day month)`
        : '';
  return `SLO: short of replicas at most ${f(r.limitPercent, 2)} % of the time (τU, ≈ ${minutes.toFixed(0)} min per month)${source}`;
}

/** Where the history was split. */
export function splitLine(r: TuneResult): string {
  const tuning = `tuned on the first ${f(100 * (1 - r.holdout), 0)} % (${days(r.splitStep, r.stepSeconds)})`;
  if (r.splitStep >= r.steps)
    return `${r.trace}: ${r.steps} steps of ${r.stepSeconds} s, ${tuning}, no holdout`;
  return `${r.trace}: ${r.steps} steps of ${r.stepSeconds} s, ${tuning}, scored on the last ${f(100 * r.holdout, 0)} % (${days(r.steps - r.splitStep, r.stepSeconds)}) it was not tuned on`;
}

const cells = (x: Figures | null | undefined): string[] => [
  f(x?.tauU, 2),
  f(x?.replicaHours, 1),
  f(x?.oracleRatio, 3),
];

function row(name: string, figures: SplitFigures | null): string[] {
  return [name, ...cells(figures?.tuning), ...cells(figures?.holdout)];
}

/** The chosen spec's table: it, Tide's default, hpa's variants, the oracle. */
export function tuneTable(r: TuneResult): string {
  const chosen = r.tried[r.chosen];
  const rows = [row(r.feasible ? 'chosen' : 'closest', chosen?.figures ?? null)];
  rows.push(row('tide (default)', r.tried[0]?.figures ?? null));
  for (const h of r.hpa) rows.push(row(`${h.name} (CPU ${h.target} %)`, h.figures));
  rows.push([
    'oracle',
    '0.00',
    f(r.oracle.tuning, 1),
    '1.000',
    r.oracle.holdout === null ? '—' : '0.00',
    f(r.oracle.holdout, 1),
    r.oracle.holdout === null ? '—' : '1.000',
  ]);
  const head = ['policy', 'τU %', 'replica-h', '×oracle', 'holdout τU %', 'replica-h', '×oracle'];
  return grid(head, rows);
}

/** The chosen spec as YAML, with a header saying what it met. */
export function chosenYaml(r: TuneResult): string {
  const chosen = r.tried[r.chosen];
  if (chosen === undefined) return '';
  const input = Object.fromEntries(
    Object.entries(chosen.input).filter(([key]) => key !== 'maxReplicas'),
  );
  const header = [
    `# tide tune on ${r.trace}: ${r.feasible ? 'the cheapest spec tried that meets' : 'no spec tried meets'} τU ≤ ${f(r.limitPercent, 2)} %`,
    `# tuning part: τU ${f(chosen.figures?.tuning.tauU, 2)} %, ${f(chosen.figures?.tuning.oracleRatio, 3)} × the oracle's replica-hours` +
      (chosen.figures?.holdout
        ? `; holdout: τU ${f(chosen.figures.holdout.tauU, 2)} %, ${f(chosen.figures.holdout.oracleRatio, 3)} ×`
        : ''),
    '# Add your target (apiVersion/kind/name or process) and maxReplicas; the search ran without a cap.',
    '# The trigger is CPU utilization of a replica (100 % = its capacity): keep it, or carry the',
    '# target over to your own metric as the same share of what one replica serves.',
  ];
  return `${header.join('\n')}\n${stringify(input)}`;
}

/** The whole result as text. */
export function tuneText(r: TuneResult): string {
  const errors = r.tried.filter((t) => t.error !== undefined).length;
  const verdict = r.feasible
    ? `chosen: the cheapest of ${r.tried.length} specs tried that meets the SLO on the tuning part`
    : `no spec of the ${r.tried.length} tried meets the SLO on the tuning part; the closest (lowest τU) is shown — relax the SLO or raise --budget`;
  return [
    splitLine(r),
    sloLine(r),
    `${verdict} (budget ${r.budget}, seed ${r.seed}${errors > 0 ? `, ${errors} could not be replayed` : ''})`,
    '',
    tuneTable(r),
    '',
    chosenYaml(r),
  ].join('\n');
}
