/**
 * Backtest speed: simulated steps per second per policy on a 30-day per-minute trace (172 800
 * steps of 15 s, replayed in this thread through the real `decide`), and the wall time of the
 * default `tide backtest` (every bundled trace × every baseline, worker threads) as a user runs
 * it. Figures, not assertions. Aims: ≥ 1 000 000 steps/s for reactive policies (bounded by
 * decide's own speed), ≥ 100 000 steps/s of CPU time for the `tide` default (issue 16; the line
 * after the table says how far it is), < 30 s for the default run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decide } from '../src/core/decide.js';
import { ORACLE, backtest, resolvePolicies } from '../src/sim/backtest.js';
import { baselineNames } from '../src/sim/baselines.js';
import { defaultSimParams } from '../src/sim/params.js';
import { buildTrace } from '../src/sim/trace.js';

/** Issue 16: the `tide` default should replay at least this many steps per second of CPU time. */
const TIDE_AIM_STEPS_PER_SECOND = 100_000;

/** 30 days per minute: a diurnal wave with a weekly dip and deterministic noise. */
function syntheticTrace(): ReturnType<typeof buildTrace> {
  const minutes = 30 * 24 * 60;
  const times: number[] = [];
  const values: number[] = [];
  let seed = 12345;
  for (let i = 0; i < minutes; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const noise = seed / 2147483648 - 0.5;
    const day = Math.sin((2 * Math.PI * i) / 1440 - Math.PI / 2);
    const weekend = Math.floor(i / 1440) % 7 >= 5 ? 0.6 : 1;
    times.push(i * 60);
    values.push(Math.max(0, 1000 * weekend * (1.2 + day) * (1 + 0.2 * noise)));
  }
  return buildTrace({
    name: 'synthetic-30d-1min',
    times,
    values,
    lines: times.map((_, i) => i + 2),
    startEpochMs: null,
  });
}

export function run(): void {
  const params = defaultSimParams();
  const trace = syntheticTrace();
  process.stdout.write(`trace: ${trace.name}, ${trace.values.length} rows\n`);
  let tideCpuRate: number | null = null;
  for (const name of [ORACLE, ...baselineNames]) {
    const policies = resolvePolicies([name], params);
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const result = backtest({ trace, params, policies, decide });
    const cpu = process.cpuUsage(cpuStart);
    const seconds = (performance.now() - start) / 1000;
    // CPU time (user + system) is the steadier figure on a shared machine (see decide.bench.ts).
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    // A policy's figure counts its own steps; the time also holds the (cheap) oracle replay.
    const steps = result.model.steps;
    const r = result.policies[0];
    if (name === 'tide') tideCpuRate = steps / cpuSeconds;
    const note = r?.ok === false ? ` (${r.error.slice(0, 60)}…)` : '';
    process.stdout.write(
      `${name.padEnd(18)} ${Math.round(steps / seconds)
        .toLocaleString('en-US')
        .padStart(10)} steps/s wall, ${Math.round(steps / cpuSeconds)
        .toLocaleString('en-US')
        .padStart(10)} steps/s of CPU time  (${seconds.toFixed(2)} s for ${steps} steps)${note}\n`,
    );
  }
  if (tideCpuRate !== null) {
    process.stdout.write(
      `tide: ${(tideCpuRate / TIDE_AIM_STEPS_PER_SECOND).toFixed(2)}× the aim of ${TIDE_AIM_STEPS_PER_SECOND.toLocaleString('en-US')} steps/s of CPU time\n`,
    );
  }
  const cli = join(dirname(fileURLToPath(import.meta.url)), '../src/cli/index.js');
  const out = mkdtempSync(join(tmpdir(), 'tide-bench-'));
  const start = performance.now();
  const child = spawnSync(process.execPath, [cli, 'backtest', '--quiet', '--out', out], {
    encoding: 'utf8',
  });
  const wall = (performance.now() - start) / 1000;
  const status =
    child.status === 0 ? 'ok' : `exit ${String(child.status)}: ${child.stderr.slice(0, 200)}`;
  process.stdout.write(
    `default tide backtest (all bundled traces × every baseline): ${wall.toFixed(1)} s wall (${status})\n`,
  );
}
