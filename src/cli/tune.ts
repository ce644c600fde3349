/**
 * `tide tune`: the cheapest spec that meets a service's SLO on its own history (src/tune/).
 * Prints the table and the chosen spec as YAML (or `--json`), writes `tune.json` and the frontier
 * chart (`index.html`) to `--out`. Exit code 1 when no spec tried meets the SLO (the closest is
 * printed). Thin: parse, call, print.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ProgressBar } from '../report/progress.js';
import { renderTuneHtml } from '../report/tune-html.js';
import { chosenYaml, tuneText } from '../report/tune-text.js';
import { HPA_TARGETS, type Slo, type TuneResult, tune } from '../tune/tune.js';
import {
  type BacktestFlags,
  type BacktestIo,
  addModelOptions,
  addTraceOptions,
  jobCount,
  loadTraces,
  modelParams,
  numberFlag,
  processIo,
} from './backtest.js';

export interface TuneFlags extends BacktestFlags {
  readonly maxShortPercent?: string;
  readonly sloMinutesPerMonth?: string;
  readonly holdout: string;
  readonly budget: string;
  readonly seed: string;
}

function sloOf(flags: TuneFlags): Slo {
  const { maxShortPercent: percent, sloMinutesPerMonth: minutes } = flags;
  if (percent !== undefined && minutes !== undefined) {
    throw new Error('give --max-short-percent or --slo-minutes-per-month, not both');
  }
  if (percent !== undefined) {
    const value = numberFlag('--max-short-percent', percent);
    if (value < 0 || value > 100)
      throw new Error(`--max-short-percent = ${percent}, must be between 0 and 100`);
    return { kind: 'maxShortPercent', percent: value };
  }
  if (minutes !== undefined) {
    const value = numberFlag('--slo-minutes-per-month', minutes);
    if (value < 0 || value > 43_200)
      throw new Error(
        `--slo-minutes-per-month = ${minutes}, must be between 0 and 43200 (a 30-day month)`,
      );
    return { kind: 'minutesPerMonth', minutes: value };
  }
  return { kind: 'hpa' };
}

function wholeFlag(flag: string, raw: string, min: number): number {
  const n = numberFlag(flag, raw);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`${flag} = ${JSON.stringify(raw)}, must be a whole number of at least ${min}`);
  return n;
}

/** Runs `tide tune` from parsed flags; returns the result (also printed and written). */
export async function runTune(flags: TuneFlags, io: BacktestIo): Promise<TuneResult> {
  const params = modelParams(flags);
  const slo = sloOf(flags);
  const holdout = numberFlag('--holdout', flags.holdout);
  const budget = wholeFlag('--budget', flags.budget, 1);
  const seed = wholeFlag('--seed', flags.seed, 0);
  if (flags.trace.length + (flags.prometheus === undefined ? 0 : 1) !== 1) {
    throw new Error('tide tune needs one history: --trace FILE|NAME or --prometheus URL --query …');
  }
  const [source] = await loadTraces(flags, params);
  if (source === undefined) throw new Error('no trace loaded');
  const { trace } = source;
  for (const gap of trace.gaps) {
    io.stderr.write(
      `tide: ${trace.name} line ${gap.line}: gap from ${gap.fromSeconds} s to ${gap.toSeconds} s, bridged linearly\n`,
    );
  }
  const steps = Math.ceil(
    ((trace.timestamps.at(-1) ?? 0) + trace.intervalSeconds) / params.stepSeconds,
  );
  const bar = new ProgressBar({
    stream: io.stderr,
    total: steps * (1 + HPA_TARGETS.length + budget),
    label: `tune ${trace.name}`,
    enabled: !flags.quiet,
    now: io.now,
  });
  let result: TuneResult;
  try {
    result = await tune({
      trace,
      params,
      slo,
      holdout,
      budget,
      seed,
      jobs: jobCount(flags.jobs),
      decide: io.decide,
      onProgress: (n) => bar.advance(n),
    });
  } finally {
    bar.finish();
  }
  const dir = resolve(flags.out);
  await mkdir(dir, { recursive: true });
  const written = [join(dir, 'tune.json'), join(dir, 'spec.yaml')];
  const json = { ...result, source: source.source, chosenYaml: chosenYaml(result) };
  await writeFile(written[0] as string, `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(written[1] as string, chosenYaml(result));
  if (flags.html) {
    written.push(join(dir, 'index.html'));
    await writeFile(written[2] as string, renderTuneHtml(result, source.source));
  }
  if (flags.json) io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  else io.stdout.write(`${tuneText(result)}\nreport: ${written.join(', ')}\n`);
  if (!result.feasible) {
    io.stderr.write(
      `tide: no spec tried meets τU ≤ ${result.limitPercent.toFixed(2)} % on ${trace.name}; the closest is printed (relax the SLO or raise --budget)\n`,
    );
  }
  return result;
}

export function register(program: Command): void {
  const cmd = program
    .command('tune')
    .description(
      "search the policy space on a service's own history and print the cheapest spec that meets its SLO, tuned on the earlier part and scored on the later part (docs/tuning.md)",
    );
  addTraceOptions(cmd, 'the history: a CSV trace (timestamp,value) or a bundled trace name')
    .option(
      '--max-short-percent <percent>',
      'the SLO: the share of time the service may be short of replicas (τU, percent; default: hpa’s τU on the tuning part)',
    )
    .option(
      '--slo-minutes-per-month <minutes>',
      'the SLO as SLO-violating minutes per 30-day month (instead of --max-short-percent)',
    )
    .option(
      '--holdout <share>',
      'the share of the history, at its end, kept out of the tuning and scored apart (0 = tune on all)',
      '0.3',
    )
    .option('--budget <n>', 'specs to try (each is one replay of the history)', '24')
    .option('--seed <n>', 'seed of the search (the same seed gives the same search)', '1')
    .option(
      '--out <dir>',
      'where to write index.html (the frontier), tune.json and spec.yaml',
      'tide-tune',
    )
    .option('--no-html', 'write tune.json and spec.yaml only')
    .option('--json', 'print the result as JSON on stdout instead of tables', false)
    .option('--quiet', 'no progress bar', false)
    .option('--jobs <n>', 'worker threads replaying in parallel (default: cores, at most 4)');
  addModelOptions(cmd);
  cmd.action(async (options: Record<string, unknown>) => {
    const flags = { trace: [], policy: [], spec: [], ...options } as unknown as TuneFlags;
    const result = await runTune(flags, processIo());
    if (!result.feasible) process.exitCode = 1;
  });
}
