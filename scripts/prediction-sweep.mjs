#!/usr/bin/env node
// Runs the robustness grid of ADR 7 ("Beyond the default model"): `tide` against `hpa` on the
// real traces of ../shared/traces and on the six synthetic shapes, at 60 s and 300 s start-up,
// for the default model and each variant below, and prints how many traces `tide` is at least as
// good as `hpa` on both axes (τU within 0.1 point, no more replica-hours), with every miss.
//
//   npm run build && node scripts/prediction-sweep.mjs [--traces DIR] [--only NAME,...]
//
// DIR (default ../shared/traces) holds the real CSVs; the synthetic ones are written to a
// temporary folder by scripts/synthetic-traces.mjs (removed at the end). Each variant replays 19
// traces at two start-ups: about a minute on two cores, 5–6 minutes for the whole grid.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/src/cli/index.js');

const VARIANTS = {
  default: [],
  'peak-6': ['--peak-replicas', '6'],
  'peak-300': ['--peak-replicas', '300'],
  'step-30': ['--step', '30', '--scrape-seconds', '30', '--metric-lag-seconds', '30'],
  'window-120': ['--metric-window-seconds', '120'],
};
const SYNTHETIC = new Set(['diurnal', 'flash', 'growth', 'plateaus', 'sparse', 'weekly']);

function flag(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

let synDir = null;

function fail(message) {
  console.error(`prediction-sweep: ${message}`);
  if (synDir !== null) rmSync(synDir, { recursive: true, force: true });
  process.exit(2);
}

const traceDir = resolve(flag('--traces', join(root, '..', 'shared', 'traces')));
const only = flag('--only', Object.keys(VARIANTS).join(',')).split(',');
for (const name of only) if (!(name in VARIANTS)) fail(`no variant ${JSON.stringify(name)}`);

let real;
try {
  real = readdirSync(traceDir)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => join(traceDir, f));
} catch (error) {
  fail(`cannot read ${traceDir}: ${error.message}; pass --traces DIR`);
}
if (real.length === 0) fail(`no CSV traces in ${traceDir}`);

synDir = mkdtempSync(join(tmpdir(), 'tide-synthetic-'));
const gen = spawnSync(process.execPath, [join(root, 'scripts/synthetic-traces.mjs'), synDir], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (gen.status !== 0) fail('scripts/synthetic-traces.mjs failed');
const synthetic = readdirSync(synDir)
  .filter((f) => f.endsWith('.csv'))
  .map((f) => join(synDir, f));

function backtest(traces, startup, extra) {
  const args = [cli, 'backtest', '--policy', 'oracle,hpa,tide', '--startup-seconds', startup];
  for (const t of traces) args.push('--trace', t);
  args.push(...extra, '--json', '--quiet', '--no-html', '--out', join(synDir, 'report'));
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) fail(`tide backtest ${extra.join(' ')} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

function compare(report) {
  return report.traces.map((t) => {
    const by = Object.fromEntries(t.results.map((r) => [r.policy, r]));
    const name = t.name.replace(/^.*\//, '').replace(/\.csv$/, '');
    const h = by.hpa;
    const d = by.tide;
    const ok = d.tauU <= h.tauU + 0.1 && d.replicaHours <= h.replicaHours;
    const extra = 100 * (d.replicaHours / h.replicaHours - 1);
    const sign = extra > 0 ? '+' : '';
    const why = `τU ${d.tauU.toFixed(2)} vs ${h.tauU.toFixed(2)} %, replica-hours ${sign}${extra.toFixed(2)} %`;
    return { name, synthetic: SYNTHETIC.has(name), ok, why };
  });
}

console.log('| variant | start-up | real | synthetic | misses |');
console.log('|---|---|---|---|---|');
for (const variant of only) {
  for (const startup of ['60', '300']) {
    const rows = compare(backtest([...real, ...synthetic], startup, VARIANTS[variant]));
    const count = (set) => `${set.filter((r) => r.ok).length} of ${set.length}`;
    const misses = rows.filter((r) => !r.ok).map((r) => `${r.name} (${r.why})`);
    console.log(
      `| ${variant} | ${startup} s | ${count(rows.filter((r) => !r.synthetic))} | ${count(rows.filter((r) => r.synthetic))} | ${misses.join('; ') || '–'} |`,
    );
  }
}
rmSync(synDir, { recursive: true, force: true });
