#!/usr/bin/env node
// How good a forecast would a target need on these traces? Runs `tide backtest --policy
// oracle,hpa,tide`, then, on the same service model, the foresight references of
// src/sim/foresight.ts: a policy told the future load's mean over W minutes exactly, with a
// constant headroom over it (a ratio, or value × √load). For each W it prints, per trace:
//
//   cost@hpa τU  the fewest replica-hours (× oracle) at a τU no more than `hpa`'s + 0.1 point,
//   τU@hpa cost  the lowest τU at no more replica-hours than `hpa`'s,
//
// the better of the two headroom shapes each, and the medians over the traces beside `hpa`'s and
// `tide`'s. The references are not bounds on every policy (one that also reacts to the latest
// readings can beat them where the load moves faster than W); they say how much of a target a
// perfect W-minute forecast buys (ADR 7, "What a perfect forecast would reach").
//
//   npm run build && node scripts/prediction-bound.mjs [--startup-seconds S] [--at-cost R] [--trace FILE ...]
//
// --at-cost R adds, for each W, the lowest τU at no more than R × the oracle's replica-hours.
//
// Without --trace it runs the bundled traces. About 2 minutes for the six bundled ones.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/src/cli/index.js');
const load = (module) => import(join(root, 'dist/src/sim', module));

let foresight, demand, params, traceFiles;
try {
  [foresight, demand, params, traceFiles] = await Promise.all(
    ['foresight.js', 'demand.js', 'params.js', 'trace-files.js'].map(load),
  );
} catch (error) {
  console.error(`prediction-bound: ${error.message}; run \`npm run build\` first`);
  process.exit(2);
}

const WINDOW_MINUTES = [2, 10, 30];
const SHAPES = ['ratio', 'sqrt'];

const args = process.argv.slice(2);
const startupAt = args.indexOf('--startup-seconds');
const startupSeconds = startupAt >= 0 ? Number(args[startupAt + 1]) : 60;
if (!(startupSeconds >= 0)) {
  console.error('prediction-bound: --startup-seconds takes a number of seconds ≥ 0');
  process.exit(2);
}
const atCostAt = args.indexOf('--at-cost');
const atCost = atCostAt >= 0 ? Number(args[atCostAt + 1]) : null;
if (atCost !== null && !(atCost > 0)) {
  console.error('prediction-bound: --at-cost takes a ratio to the oracle > 0, e.g. 1.15');
  process.exit(2);
}
const traceArgs = [];
for (let i = 0; i < args.length; i++)
  if (args[i] === '--trace') traceArgs.push('--trace', args[++i]);

const run = spawnSync(
  process.execPath,
  [
    cli,
    'backtest',
    '--policy',
    'oracle,hpa,tide',
    '--startup-seconds',
    String(startupSeconds),
  ].concat(traceArgs, ['--json', '--quiet', '--no-html']),
  { encoding: 'utf8', maxBuffer: 1 << 28 },
);
if (run.status !== 0) {
  console.error(`prediction-bound: tide backtest failed (exit ${run.status}):\n${run.stderr}`);
  process.exit(2);
}
const report = JSON.parse(run.stdout);
const sim = params.parseSimParams(report.parameters);

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (v, digits) => (v === null || Number.isNaN(v) ? '—' : v.toFixed(digits));

function best(points, key) {
  const found = points.filter((p) => p !== null);
  if (found.length === 0) return null;
  return found.reduce((a, b) => (b[key] < a[key] ? b : a));
}

const rows = [];
for (const entry of report.traces) {
  const by = Object.fromEntries(entry.results.map((r) => [r.policy, r]));
  if (!by.hpa?.ok || !by.tide?.ok) {
    console.error(`prediction-bound: ${entry.name}: hpa or tide did not run; skipped`);
    continue;
  }
  let trace;
  try {
    const source = entry.source && existsSync(entry.source) ? entry.source : entry.name;
    trace = await traceFiles.resolveTrace(source);
  } catch (error) {
    console.error(`prediction-bound: ${entry.name}: ${error.message}; skipped`);
    continue;
  }
  const model = demand.serviceModel(trace, sim);
  const base = { oracleReplicaHours: entry.oracleReplicaHours, startMs: entry.startMs ?? 0 };
  const windows = WINDOW_MINUTES.map((minutes) => {
    const windowSteps = Math.max(1, Math.round((minutes * 60) / sim.stepSeconds)) | 1;
    const query = { ...base, windowSteps };
    const cost = best(
      SHAPES.map((shape) =>
        foresight.cheapestWithin(model, sim, { ...query, shape, tauUMax: by.hpa.tauU + 0.1 }),
      ),
      'oracleRatio',
    );
    const tau = best(
      SHAPES.map((shape) =>
        foresight.fewestWithin(model, sim, { ...query, shape, ratioMax: by.hpa.oracleRatio }),
      ),
      'tauU',
    );
    const fewestAt = (ratioMax) =>
      best(
        SHAPES.map((shape) => foresight.fewestWithin(model, sim, { ...query, shape, ratioMax })),
        'tauU',
      )?.tauU ?? null;
    return {
      minutes,
      cost: cost?.oracleRatio ?? null,
      tau: tau?.tauU ?? null,
      atCost: atCost === null ? null : fewestAt(atCost),
    };
  });
  rows.push({ name: entry.name, hpa: by.hpa, tide: by.tide, windows });
  console.error(`prediction-bound: ${entry.name} done`);
}

const header = ['trace', 'hpa τU % / ×oracle', 'tide τU % / ×oracle'];
for (const w of WINDOW_MINUTES) {
  header.push(`${w}-min mean: ×oracle at hpa's τU`, `τU % at hpa's cost`);
  if (atCost !== null) header.push(`τU % at ${atCost}×`);
}
console.log(`\nstartupSeconds ${startupSeconds}\n`);
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
for (const r of rows) {
  const cells = [
    r.name,
    `${fmt(r.hpa.tauU, 2)} / ${fmt(r.hpa.oracleRatio, 3)}`,
    `${fmt(r.tide.tauU, 2)} / ${fmt(r.tide.oracleRatio, 3)}`,
  ];
  for (const w of r.windows) {
    cells.push(fmt(w.cost, 3), fmt(w.tau, 2));
    if (atCost !== null) cells.push(fmt(w.atCost, 2));
  }
  console.log(`| ${cells.join(' | ')} |`);
}
const med = (pick) => median(rows.map(pick));
const cells = [
  'median',
  `${fmt(
    med((r) => r.hpa.tauU),
    2,
  )} / ${fmt(
    med((r) => r.hpa.oracleRatio),
    3,
  )}`,
  `${fmt(
    med((r) => r.tide.tauU),
    2,
  )} / ${fmt(
    med((r) => r.tide.oracleRatio),
    3,
  )}`,
];
WINDOW_MINUTES.forEach((_, i) => {
  // A trace the reference cannot bring to hpa's τU at any headroom searched counts as +∞.
  cells.push(
    fmt(
      med((r) => r.windows[i].cost ?? Number.POSITIVE_INFINITY),
      3,
    ),
    fmt(
      med((r) => r.windows[i].tau ?? Number.POSITIVE_INFINITY),
      2,
    ),
  );
  if (atCost !== null)
    cells.push(
      fmt(
        med((r) => r.windows[i].atCost ?? Number.POSITIVE_INFINITY),
        2,
      ),
    );
});
console.log(`| ${cells.join(' | ')} |`);
