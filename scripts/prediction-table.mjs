#!/usr/bin/env node
// Prints the issue-4 comparison table (tide default vs hpa vs the oracle) from `tide backtest
// --json` output files: node scripts/prediction-table.mjs report60.json [report300.json ...]
import { readFileSync } from 'node:fs';

const pct = (x) => x.toFixed(2);
const ratio = (x) => x.toFixed(3);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

for (const file of process.argv.slice(2)) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  console.log(`\nstartupSeconds ${report.parameters.startupSeconds} (${file})\n`);
  console.log('| trace | oracle r-h | hpa τU % | hpa ×oracle | tide τU % | tide ×oracle | tide ≤ hpa on both |');
  console.log('|---|---|---|---|---|---|---|');
  const rows = [];
  for (const t of report.traces) {
    const by = Object.fromEntries(t.results.map((r) => [r.policy, r]));
    const h = by.hpa;
    const d = by.tide;
    const both = d.tauU <= h.tauU + 0.1 && d.replicaHours <= h.replicaHours;
    rows.push({ h, d, both });
    console.log(
      `| ${t.name} | ${t.oracleReplicaHours.toFixed(1)} | ${pct(h.tauU)} | ${ratio(h.oracleRatio)} | ${pct(d.tauU)} | ${ratio(d.oracleRatio)} | ${both ? 'yes' : `no (r-h ${d.replicaHours.toFixed(1)} vs ${h.replicaHours.toFixed(1)})`} |`,
    );
  }
  const m = (f) => median(rows.map(f));
  console.log(
    `| median | | ${pct(m((r) => r.h.tauU))} | ${ratio(m((r) => r.h.oracleRatio))} | ${pct(m((r) => r.d.tauU))} | ${ratio(m((r) => r.d.oracleRatio))} | ${rows.filter((r) => r.both).length} of ${rows.length} |`,
  );
}
